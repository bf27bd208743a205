#!/usr/bin/env bash
# Runs the same workloads against Realtime, SignalR and Socket.IO, each ROUNDS times, systems
# interleaved, appending every run to OUT. Builds nothing but the bench and the peers.
# Usage: bench/peers/run-peers.sh [OUT] [ROUNDS]     (from the repository root)
# Environment: RATE (publish pace in messages/s, 0 = unpaced), WARMUP (messages, default 100),
# MAX_LOAD / MAX_LOAD_WAIT (wait up to that many seconds for the 1-minute load average to drop).
set -euo pipefail
OUT=${1:-bench/results/peers-raw.md}
ROUNDS=${2:-2}
MAX_LOAD=${MAX_LOAD:-1.5}
WARMUP=${WARMUP:-100}
RATE=${RATE:-0}
MAX_LOAD_WAIT=${MAX_LOAD_WAIT:-120}

dotnet build bench/Realtime.Bench -c Release -v q -nologo >/dev/null
dotnet build bench/peers/signalr -c Release -v q -nologo >/dev/null
(cd bench/peers/socketio && [ -d node_modules ] || npm ci --no-audit --no-fund)
[ -f services/Realtime.Edge/bin/Release/net10.0/Realtime.Edge.dll ] || dotnet build services/Realtime.Edge -c Release -v q -nologo >/dev/null
[ -f services/Realtime.Dispatcher/bin/Release/net10.0/Realtime.Dispatcher.dll ] || dotnet build services/Realtime.Dispatcher -c Release -v q -nologo >/dev/null

BENCH=bench/Realtime.Bench/bin/Release/net10.0/Realtime.Bench.dll
WORKLOADS=(
  "--connections 5000 --rooms 50 --messages 2000"
  "--connections 5000 --rooms 5 --messages 500"
)
for round in $(seq 1 "$ROUNDS"); do
  for workload in "${WORKLOADS[@]}"; do
    for system in realtime signalr socketio; do
      echo "== round $round: $system $workload rate $RATE"
      # shellcheck disable=SC2086
      timeout 600 dotnet "$BENCH" --system "$system" $workload --warmup "$WARMUP" --rate "$RATE" \
        --max-load "$MAX_LOAD" --max-load-wait "$MAX_LOAD_WAIT" --out "$OUT" || echo "run failed or incomplete (exit $?)"
    done
  done
done
