#!/usr/bin/env bash
# Benchmark (not a test): batch throughput and memory of
# `livectl create --from-csv`.
#   1. Against a loopback stub answering after DELAY_MS, rows per second for
#      several --concurrency/--rate settings, as a fraction of the bound
#      min(rate, concurrency / delay): over the whole process, and steady
#      (arrivals at the stub, first to last). Goal: steady >= 0.98. Also the
#      thinnest and the fullest one-second window of arrivals at the stub
#      (the fullest must never exceed --rate; the thinnest, once started,
#      should hold >= 0.98 of the bound).
#   2. Time and peak RSS of a 1,000,000-row --dry-run (goals <= 2 s and
#      < 64 MB), and the peak RSS of a real run of 20,000 rows.
# Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
DELAY_MS=${DELAY_MS:-50}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
BIG_ROWS=${BIG_ROWS:-1000000}

if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin livectl --example stub_server
  BIN=$PWD/target/release/livectl
fi
STUB=${STUB:-$PWD/target/release/examples/stub_server}
WORK=$(mktemp -d)
ARRIVALS=$WORK/arrivals

coproc STUBP { exec "$STUB" "$DELAY_MS" "$ARRIVALS"; }
read -r _ PORT <&"${STUBP[0]}"
trap 'kill "$STUBP_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

export LIVECTL_SDKAPPID=1400000001 LIVECTL_IDENTIFIER=administrator
export LIVECTL_SECRET_KEY=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e
export LIVECTL_ENDPOINT="http://127.0.0.1:$PORT" XDG_CONFIG_HOME=/nonexistent
unset LIVECTL_CONFIG
unset LIVECTL_PROFILE LIVECTL_REGION

csv() { # rows prefix
  { echo "room_id,name,category,public"; seq "$1" | awk -v p="$2" '{printf "%s-%d,Room %d,\"1,2\",true\n", p, $1, $1}'; } >"$WORK/$2.csv"
}

echo "== throughput: stub delay ${DELAY_MS} ms, about ${SECONDS_PER_RUN} s per setting =="
echo "(whole: rows / process time; steady: arrivals at the stub, first to last;"
echo " thinnest/fullest: arrivals in a one-second window at the stub)"
printf '%-6s %-5s %-7s %-6s %-14s %-14s %-8s %-8s\n' conc rate bound rows whole/s steady/s thinnest fullest
for setting in ${SETTINGS:-"4 50" "4 200" "8 100" "16 200" "32 400" "64 200" "8 1000"}; do
  read -r conc rate <<<"$setting"
  bound=$(awk -v r="$rate" -v c="$conc" -v d="$DELAY_MS" 'BEGIN { b = c * 1000 / d; print (r < b) ? r : b }')
  rows=$(awk -v b="$bound" -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%d", b * s }')
  csv "$rows" "c${conc}r${rate}"
  : >"$ARRIVALS"
  t0=$(date +%s%N)
  "$BIN" create --quiet --from-csv "$WORK/c${conc}r${rate}.csv" --concurrency "$conc" --rate "$rate" \
    --report "$WORK/c${conc}r${rate}.jsonl" >/dev/null
  t1=$(date +%s%N)
  done_rows=$(grep -c '"created"' "$WORK/c${conc}r${rate}.jsonl")
  sort -n "$ARRIVALS" | awk -v c="$conc" -v r="$rate" -v b="$bound" -v n="$done_rows" -v ns=$((t1 - t0)) '
    { a[k++] = $1 }
    END {
      steady = (k - 1) / ((a[k - 1] - a[0]) / 1e6)
      thin = -1; full = 0; j = 0
      for (i = 0; i < k; i++) {
        while (j < k && a[j] < a[i] + 1e6) j++
        if (j - i > full) full = j - i
        if (a[i] + 1e6 <= a[k - 1] && (thin < 0 || j - i < thin)) thin = j - i
      }
      s = ns / 1e9
      printf "%-6s %-5s %-7.1f %-6d %-6.1f (%.3f) %-6.1f (%.3f) %-8d %-8d\n", c, r, b, n, n / s, (n / s) / b, steady, steady / b, thin, full
    }'
done

echo
echo "== memory =="
csv "$BIG_ROWS" big
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }
t0=$(date +%s%N)
kb=$(rss "$BIN" create --quiet --dry-run --from-csv "$WORK/big.csv")
t1=$(date +%s%N)
awk -v kb="$kb" -v n="$BIG_ROWS" -v ns=$((t1 - t0)) \
  'BEGIN { printf "dry run of %d rows: peak RSS %.1f MB, %.2f s, %.2f us/row (goals < 64 MB, <= 2 s)\n", n, kb / 1024, ns / 1e9, ns / 1e3 / n }'
head -n 20001 "$WORK/big.csv" >"$WORK/real.csv"
kb=$(rss "$BIN" create --quiet --from-csv "$WORK/real.csv" --concurrency 32 --rate 100000 --report "$WORK/real.jsonl")
awk -v kb="$kb" 'BEGIN { printf "real run of 20000 rows (concurrency 32): peak RSS %.1f MB\n", kb / 1024 }'
