#!/usr/bin/env bash
# Benchmark (not a test): the wall time of one whole `livectl create` process
# against a loopback stub, beside curl sending the same request with a
# pre-minted UserSig. Prints the median of RUNS runs of each and the ratio.
# Goal: livectl at most 1.5x curl. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}

# BIN and STUB may name other builds (a profile to compare); by default the
# release build of this tree.
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin livectl --example stub_server
  BIN=target/release/livectl
fi
STUB=${STUB:-target/release/examples/stub_server}

coproc STUBP { exec "$STUB" 0; }
read -r _ PORT <&"${STUBP[0]}"
trap 'kill "$STUBP_PID" 2>/dev/null || true' EXIT

export LIVECTL_SDKAPPID=1400000001 LIVECTL_IDENTIFIER=administrator
export LIVECTL_SECRET_KEY=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e
export LIVECTL_ENDPOINT="http://127.0.0.1:$PORT" XDG_CONFIG_HOME=/nonexistent
unset LIVECTL_CONFIG
unset LIVECTL_PROFILE LIVECTL_REGION
SIG=$("$BIN" usersig --ttl 3600)
URL="http://127.0.0.1:$PORT/v4/live_engine_http_srv/create_room?sdkappid=$LIVECTL_SDKAPPID&identifier=administrator&usersig=$SIG&random=12345&contenttype=json"
BODY='{"RoomInfo":{"RoomId":"bench-room","RoomType":"Live","RoomName":"bench"}}'

# Prints one run's wall time in microseconds.
time_us() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# Warm the page cache for both binaries.
"$BIN" create --room-id bench-room --name bench >/dev/null
curl -s -X POST -H 'Content-Type: application/json' -d "$BODY" "$URL" >/dev/null

lc=$(for _ in $(seq "$RUNS"); do time_us "$BIN" create --room-id bench-room --name bench; done | median)
cu=$(for _ in $(seq "$RUNS"); do time_us curl -s -X POST -H 'Content-Type: application/json' -d "$BODY" "$URL"; done | median)

echo "runs:    $RUNS each, loopback stub answering at once"
echo "livectl: median ${lc} us per process (livectl create --room-id bench-room --name bench)"
echo "curl:    median ${cu} us per process (same request, UserSig minted beforehand)"
awk -v a="$lc" -v b="$cu" 'BEGIN { printf "ratio:   %.2fx curl (goal <= 1.5x)\n", a / b }'
