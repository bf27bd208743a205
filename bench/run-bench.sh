#!/usr/bin/env bash
# `make bench`: a short side-by-side pass (about 8 minutes on 2 cores) of Realtime, SignalR
# (Redis backplane), Socket.IO (redis adapter) and the floor (bare Kestrel WebSocket server), each
# as shipped (no GC or runtime overrides), on one local redis-server, same load client and workload.
# Appends every run to OUT and prints the ratios the performance targets are stated in.
# Then Realtime alone over 1 and 3 Redis shards (publish and fan-out throughput).
# Usage: bench/run-bench.sh [OUT]     Environment: CONNECTIONS (5000), ROUNDS (1), SYSTEMS, SHARDS ("1 3").
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-bench/results/$(date -u +%Y-%m-%d)-bench.md}
CONNECTIONS=${CONNECTIONS:-5000}
ROUNDS=${ROUNDS:-1}
SYSTEMS=${SYSTEMS:-realtime signalr socketio floor}

echo "== building (Release)"
for p in services/Realtime.Edge services/Realtime.Dispatcher bench/Realtime.Bench bench/peers/signalr bench/peers/floor; do
  dotnet build "$p" -c Release -v q -nologo | grep -E " error |rror\(s\)" | grep -v " 0 Error" || true
done
if [[ " $SYSTEMS " == *" socketio "* ]]; then
  (cd bench/peers/socketio && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent; })
fi
command -v redis-server >/dev/null || { echo "!! redis-server is needed (Debian: apt-get install -y redis-server)"; exit 1; }

BENCH=bench/Realtime.Bench/bin/Release/net10.0/Realtime.Bench.dll
ROOMS=$((CONNECTIONS / 100))
# Offered deliveries/s = rate x 100 subscribers per room: 40k/s and 100k/s.
WORKLOADS=(
  "--rate 400 --messages 2000"
  "--rate 1000 --messages 5000"
)
mkdir -p "$(dirname "$OUT")"
echo "## make bench — $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')" >> "$OUT"
echo >> "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  for workload in "${WORKLOADS[@]}"; do
    for system in $SYSTEMS; do
      echo "== round $round: $system, $CONNECTIONS connections, $ROOMS rooms, $workload"
      # shellcheck disable=SC2086
      timeout 300 dotnet "$BENCH" --system "$system" --connections "$CONNECTIONS" --rooms "$ROOMS" $workload \
        --warmup 200 --out "$OUT" | grep -E "KiB per|^\| $system" || echo "   (run failed or incomplete)"
    done
  done
done

# Sharded mode: publish and fan-out throughput of Realtime with 1 and 3 redis-servers (--shards),
# unpaced, same workload; SHARDS="" skips it.
for shards in ${SHARDS-1 3}; do
  echo "== shards: realtime over $shards redis-server(s), $CONNECTIONS connections, $ROOMS rooms, unpaced"
  timeout 300 dotnet "$BENCH" --system realtime --connections "$CONNECTIONS" --rooms "$ROOMS" --messages 12000 \
    --publishers 64 --warmup 200 --shards "$shards" --out "$OUT" | grep -E "^\| realtime" \
    | awk -F'|' -v n="$shards" '{ printf "   shards %s: publish %.0f msg/s, fan-out %s deliveries/s, %s deliveries/server CPU-s\n", n, $5 / $10, $14, $13 }' \
    || echo "   (run failed or incomplete)"
done

# Summary: per pace, deliveries per server CPU-s and KiB per connection of each system, and the ratios.
echo
echo "== summary (medians over rounds; from $OUT, this pass only)"
python3 - "$OUT" "$(grep -c '^## make bench' "$OUT")" <<'PY'
import statistics, sys
path, passes = sys.argv[1], int(sys.argv[2])
text = open(path).read().split("## make bench")[passes]
rows = {}
for line in text.splitlines():
    cells = [c.strip().strip("*") for c in line.split("|")[1:-1]]
    if len(cells) == 21 and cells[0] in ("realtime", "signalr", "socketio", "floor"):
        rows.setdefault((cells[18], cells[0]), []).append((float(cells[11]), float(cells[16]), cells[7], float(cells[20])))
paces = sorted({p for p, _ in rows}, key=lambda p: int(p) if p.isdigit() else 0)
def med(pace, system, i):
    v = rows.get((pace, system))
    return statistics.median(x[i] for x in v) if v else None
out = ["| pace msg/s (x100 subscribers) | system | deliveries / server CPU-s | KiB / conn | connect CPU ms / conn | all arrived |", "| --: | --- | --: | --: | --: | --- |"]
for pace in paces:
    for system in ("realtime", "signalr", "socketio", "floor"):
        if (pace, system) in rows:
            arrived = ",".join(x[2] for x in rows[(pace, system)])
            out.append(f"| {pace} | {system} | {med(pace, system, 0):.0f} | {med(pace, system, 1):.1f} | {med(pace, system, 3):.2f} | {arrived} |")
print("\n".join(out))
print()
for pace in paces:
    rt = med(pace, "realtime", 0)
    peers = [med(pace, s, 0) for s in ("signalr", "socketio") if med(pace, s, 0)]
    floor = med(pace, "floor", 0)
    if rt and peers:
        print(f"pace {pace}: Realtime deliveries/CPU-s = {rt / max(peers):.2f}x the best peer" + (f", {rt / floor:.2f}x the floor" if floor else ""))
rt_mem = [med(p, "realtime", 1) for p in paces if med(p, "realtime", 1)]
sio_mem = [med(p, "socketio", 1) for p in paces if med(p, "socketio", 1)]
if rt_mem and sio_mem:
    print(f"memory: Realtime KiB/conn = {statistics.median(rt_mem) / statistics.median(sio_mem):.2f}x Socket.IO's")
rt_cpu = [med(p, "realtime", 3) for p in paces if med(p, "realtime", 3)]
peer_cpu = [min(v for v in (med(p, "signalr", 3), med(p, "socketio", 3)) if v) for p in paces if med(p, "signalr", 3) or med(p, "socketio", 3)]
if rt_cpu and peer_cpu:
    print(f"connect + join: Realtime server CPU per connection = {statistics.median(rt_cpu) / statistics.median(peer_cpu):.2f}x the best peer's")
PY
echo "(results appended to $OUT)"
