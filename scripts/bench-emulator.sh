#!/usr/bin/env bash
# Benchmark (not a test): requests/s and memory of `livectl emulator` on
# loopback with keep-alive clients (examples/bench_client.rs: create_room,
# get_room_info, destroy_room for fresh room IDs, all ErrorCode 0).
#   1. req/s for 1, 4 and 16 connections (goal >= 5,000 req/s).
#   2. RSS of the emulator after 100,000 requests and after 1,000,000
#      (goal: flat), plus RSS with 100,000 rooms kept (state growth).
# Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${TOTAL:-1000000}

cargo build --release --quiet --bin livectl --example bench_client
BIN=$PWD/target/release/livectl
CLIENT=$PWD/target/release/examples/bench_client

coproc EMU { exec env -i PATH="$PATH" XDG_CONFIG_HOME=/nonexistent "$BIN" emulator --listen 127.0.0.1:0 --quiet; }
read -r URL <&"${EMU[0]}"
trap 'kill "$EMU_PID" 2>/dev/null || true' EXIT
rss() { awk '/VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$EMU_PID/status"; }

echo "== throughput ($URL) =="
for conns in 1 4 16; do
  printf '%2s connections: ' "$conns"
  "$CLIENT" "$URL" "$conns" 60000 "t$conns"
done

echo
echo "== memory over $TOTAL requests (rooms created and destroyed) =="
echo "before: $(rss)"
"$CLIENT" "$URL" 4 100000 m1 >/dev/null
echo "after 100,000 requests: $(rss)"
"$CLIENT" "$URL" 4 "$TOTAL" m2
echo "after $TOTAL more requests: $(rss)"

echo
echo "== state growth =="
"$CLIENT" "$URL" 4 100000 k keep >/dev/null
echo "with 100,000 rooms kept: $(rss)"
