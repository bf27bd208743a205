#!/usr/bin/env bash
# `make run`: a working local system. With redis-server (installed via apt when missing and
# possible): Redis + two edges + one dispatcher, as in production. Without it: the all-in-one
# dev host with the in-process broker. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN_DIR="$ROOT/.run"
mkdir -p "$RUN_DIR"

EDGE_A_PORT=${EDGE_A_PORT:-8080}
EDGE_B_PORT=${EDGE_B_PORT:-8082}
DISPATCHER_HTTP_PORT=${DISPATCHER_HTTP_PORT:-8090}
DISPATCHER_GRPC_PORT=${DISPATCHER_GRPC_PORT:-8091}
REDIS_PORT=${REDIS_PORT:-6380}

if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing redis-server (apt)"
  (apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y redis-server >/dev/null 2>&1; }) || echo "   (could not install redis-server; using the in-process broker)"
fi

# A development secret made on this machine, never committed.
if [ ! -s "$RUN_DIR/dev-secret" ]; then
  head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48 > "$RUN_DIR/dev-secret"
fi
export Realtime__Auth__HmacSecret
Realtime__Auth__HmacSecret=$(cat "$RUN_DIR/dev-secret")

echo "== building"
dotnet build Realtime.sln -c Debug -v quiet -nologo >/dev/null
if [ -f clients/js/package.json ] && command -v npm >/dev/null 2>&1; then
  (cd clients/js && { [ -d node_modules ] || npm ci --silent; } && npm run --silent build) >/dev/null 2>&1 || echo "   (demo page build skipped: npm build failed)"
fi

PIDS=()
cleanup() {
  echo; echo "== stopping"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_ready() {
  for _ in $(seq 1 120); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "!! $1 did not become ready; see $RUN_DIR/*.log" >&2
  return 1
}

DEMO="$ROOT/clients/js/demo"
# Insecure dev mode: the dispatcher takes calls without an API key (it refuses to start without
# keys otherwise) and the edges mint tokens at /dev/token. Never use these settings in production.
COMMON=(Realtime__Edge__DevMode=true "Realtime__Edge__DemoPath=$DEMO" Realtime__Dispatcher__CorsOrigins=* Realtime__Edge__DrainSeconds=2
  Realtime__Dispatcher__Insecure=true)

if command -v redis-server >/dev/null 2>&1; then
  MODE=cluster
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no > "$RUN_DIR/redis.log" 2>&1 &
  PIDS+=($!)
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  env "${COMMON[@]}" SERVER_ID=edge-a Realtime__Edge__Port="$EDGE_A_PORT" Realtime__Edge__BindAddress=127.0.0.1 \
    dotnet services/Realtime.Edge/bin/Debug/net10.0/Realtime.Edge.dll > "$RUN_DIR/edge-a.log" 2>&1 &
  PIDS+=($!)
  env "${COMMON[@]}" SERVER_ID=edge-b Realtime__Edge__Port="$EDGE_B_PORT" Realtime__Edge__BindAddress=127.0.0.1 \
    dotnet services/Realtime.Edge/bin/Debug/net10.0/Realtime.Edge.dll > "$RUN_DIR/edge-b.log" 2>&1 &
  PIDS+=($!)
  env "${COMMON[@]}" SERVER_ID=dispatcher Realtime__Dispatcher__HttpPort="$DISPATCHER_HTTP_PORT" Realtime__Dispatcher__GrpcPort="$DISPATCHER_GRPC_PORT" Realtime__Dispatcher__BindAddress=127.0.0.1 \
    dotnet services/Realtime.Dispatcher/bin/Debug/net10.0/Realtime.Dispatcher.dll > "$RUN_DIR/dispatcher.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$EDGE_A_PORT/healthz/ready"
  wait_ready "http://127.0.0.1:$EDGE_B_PORT/healthz/ready"
  wait_ready "http://127.0.0.1:$DISPATCHER_HTTP_PORT/healthz/ready"
else
  MODE=single
  EDGE_B_PORT=""
  DISPATCHER_HTTP_PORT=$EDGE_A_PORT
  env "${COMMON[@]}" SERVER_ID=dev ENABLE_WEBSOCKET_CLUSTERING=false Realtime__Dispatcher__HttpPort="$EDGE_A_PORT" Realtime__Dispatcher__GrpcPort="$DISPATCHER_GRPC_PORT" Realtime__Dispatcher__BindAddress=127.0.0.1 \
    dotnet services/Realtime.DevHost/bin/Debug/net10.0/Realtime.DevHost.dll > "$RUN_DIR/devhost.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$EDGE_A_PORT/healthz/ready"
fi

cat <<INFO

Realtime is running ($MODE mode; logs in .run/).
  INSECURE DEV MODE: the dispatcher accepts calls without an API key, /dev/token mints tokens for anyone.
  Edges (WebSocket):   ws://127.0.0.1:$EDGE_A_PORT/ws${EDGE_B_PORT:+   ws://127.0.0.1:$EDGE_B_PORT/ws}
  Demo page:           http://127.0.0.1:$EDGE_A_PORT/?dispatcher=http://127.0.0.1:$DISPATCHER_HTTP_PORT${EDGE_B_PORT:+   http://127.0.0.1:$EDGE_B_PORT/?dispatcher=http://127.0.0.1:$DISPATCHER_HTTP_PORT}
  Dispatcher gRPC:     http://127.0.0.1:$DISPATCHER_GRPC_PORT  (h2c; realtime.v1.Dispatcher, reflection on)
  Dispatcher HTTP:     http://127.0.0.1:$DISPATCHER_HTTP_PORT/v1/publish  (JSON)
  Metrics / health:    http://127.0.0.1:$EDGE_A_PORT/metrics   /healthz/live   /healthz/ready

Get a development token:
  curl -s 'http://127.0.0.1:$EDGE_A_PORT/dev/token?user=alice&rooms=*'
Publish to a room (no grpcurl needed):
  make publish ROOM=lobby DATA='{"text":"hello"}'
  curl -s -XPOST http://127.0.0.1:$DISPATCHER_HTTP_PORT/v1/publish -H 'content-type: application/json' \\
       -d '{"target":{"room":"lobby"},"event":"chat.message","data":"{\\"text\\":\\"hi\\"}"}'

Press Ctrl+C to stop.
INFO
wait -n "${PIDS[@]}" || true
echo "!! a process exited; see $RUN_DIR/*.log"
