#!/usr/bin/env bash
# Benchmark (not a test): requests/s and memory of `livectl emulator` on
# loopback with keep-alive clients (examples/bench_client.rs: create_room,
# get_room_info, destroy_room for fresh room IDs, all ErrorCode 0).
#   1. req/s for 1, 4 and 16 connections, state in memory and with --state
#      (every change journaled before its answer) (goal >= 5,000 req/s).
#   2. `livectl create --from-csv` of 1,000 rows at --concurrency 16, 3,000
#      at 32, and 500 rows at the defaults (rate-bound: 50/s), each against
#      a fresh emulator (wall time).
#   3. RSS of the emulator after 100,000 requests and after 1,000,000
#      (goal: flat), plus RSS with 100,000 rooms kept (state growth).
# Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${TOTAL:-1000000}

# BIN and CLIENT may name other builds (e.g. an older livectl, to compare).
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin livectl --example bench_client
  BIN=$PWD/target/release/livectl
  CLIENT=$PWD/target/release/examples/bench_client
fi
TMP=$(mktemp -d)
trap 'kill "${EMU_PID:-}" "${JEMU_PID:-}" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$TMP"' EXIT
EMU_ENV=(env -i PATH="$PATH" XDG_CONFIG_HOME=/nonexistent)

coproc EMU { exec "${EMU_ENV[@]}" "$BIN" emulator --listen 127.0.0.1:0 --quiet; }
read -r URL <&"${EMU[0]}"
rss() { awk '/VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$1/status"; }

echo "== throughput, state in memory ($URL) =="
for conns in 1 4 16; do
  printf '%2s connections: ' "$conns"
  "$CLIENT" "$URL" "$conns" 60000 "t$conns"
done

coproc JEMU { exec "${EMU_ENV[@]}" "$BIN" emulator --listen 127.0.0.1:0 --quiet --state "$TMP/state.json"; }
read -r JURL <&"${JEMU[0]}"
echo
echo "== throughput, --state (journal) ($JURL) =="
for conns in 1 4 16; do
  printf '%2s connections: ' "$conns"
  "$CLIENT" "$JURL" "$conns" 60000 "t$conns"
done
echo "journal + snapshot on disk: $(du -sh "$TMP" | cut -f1)"

echo
echo "== batches against a fresh emulator =="
batch() { # ROWS CONCURRENCY [more flags]
  local rows=$1 conc=$2; shift 2
  coproc B { exec "${EMU_ENV[@]}" "$BIN" emulator --listen 127.0.0.1:0 --quiet; }
  local url; read -r url <&"${B[0]}"
  { echo room_id,name; for i in $(seq 1 "$rows"); do echo "b$i,Room $i"; done; } > "$TMP/rows.csv"
  local start end
  start=$(date +%s.%N)
  "${EMU_ENV[@]}" LIVECTL_ENDPOINT="$url" LIVECTL_SDKAPPID=1400000000 LIVECTL_IDENTIFIER=administrator \
    LIVECTL_SECRET_KEY=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e \
    "$BIN" create --from-csv "$TMP/rows.csv" --concurrency "$conc" "$@" --quiet >/dev/null
  end=$(date +%s.%N)
  kill "$B_PID"; wait "$B_PID" 2>/dev/null || true
  printf '%5s rows, concurrency %2s %s: %.2f s\n' "$rows" "$conc" "$*" "$(echo "$end - $start" | bc)"
}
batch 1000 16 --rate 100000
batch 3000 32 --rate 100000
batch 500 4

echo
echo "== memory over $TOTAL requests (rooms created and destroyed) =="
echo "before: $(rss "$EMU_PID")"
"$CLIENT" "$URL" 4 100000 m1 >/dev/null
echo "after 100,000 requests: $(rss "$EMU_PID")"
"$CLIENT" "$URL" 4 "$TOTAL" m2
echo "after $TOTAL more requests: $(rss "$EMU_PID")"

echo
echo "== state growth =="
"$CLIENT" "$URL" 4 100000 k keep >/dev/null
echo "with 100,000 rooms kept: $(rss "$EMU_PID")"
