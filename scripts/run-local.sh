#!/usr/bin/env bash
# `make run`: a working local system. With redis-server (installed via apt when missing and
# possible): Redis + two edges + one dispatcher, as in production. Without it: the all-in-one
# dev host with the in-process broker. Ctrl+C stops everything.
#
# Settings (environment): EDGE_A_PORT (8080), EDGE_B_PORT (8082), DISPATCHER_HTTP_PORT (8090),
# DISPATCHER_GRPC_PORT (8091), REDIS_PORT (6380); MODE=cluster|single (default: cluster when
# redis-server is available); BUILD=0 to start what was built last; RUN_DIR (.run) for logs,
# the development secret and endpoints.mk (the URLs `make publish` / `make token` use).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN_DIR=${RUN_DIR:-$ROOT/.run}
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)

EDGE_A_PORT=${EDGE_A_PORT:-8080}
EDGE_B_PORT=${EDGE_B_PORT:-8082}
DISPATCHER_HTTP_PORT=${DISPATCHER_HTTP_PORT:-8090}
DISPATCHER_GRPC_PORT=${DISPATCHER_GRPC_PORT:-8091}
REDIS_PORT=${REDIS_PORT:-6380}
BUILD=${BUILD:-1}
CONFIGURATION=Debug
BIN=net10.0

PIDS=()
declare -A NAMES=()
STOPPED=0
BUILD_PID=""

stop_all() {
  [ "$STOPPED" = 1 ] && return 0
  STOPPED=1
  rm -f "$RUN_DIR/endpoints.mk"
  [ -n "$BUILD_PID" ] && kill -TERM "$BUILD_PID" 2>/dev/null
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# Ctrl+C (or SIGTERM) is the normal way to stop: say so plainly.
on_signal() {
  trap '' INT TERM
  echo
  echo "== stopping"
  stop_all
  echo "== stopped"
  exit 0
}
trap on_signal INT TERM
trap stop_all EXIT

if [ -z "${MODE:-}" ] && ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing redis-server (apt)"
  (apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y redis-server >/dev/null 2>&1; }) || echo "   (could not install redis-server; using the in-process broker)"
fi
if [ -z "${MODE:-}" ]; then
  if command -v redis-server >/dev/null 2>&1; then MODE=cluster; else MODE=single; fi
fi
case $MODE in
  cluster) PORTS=(EDGE_A_PORT EDGE_B_PORT DISPATCHER_HTTP_PORT DISPATCHER_GRPC_PORT REDIS_PORT) ;;
  single)
    # The dev host serves the edge and the dispatcher's JSON API on one port.
    EDGE_B_PORT=""
    DISPATCHER_HTTP_PORT=$EDGE_A_PORT
    PORTS=(EDGE_A_PORT DISPATCHER_GRPC_PORT) ;;
  *) echo "!! MODE must be cluster or single, not '$MODE'" >&2; exit 2 ;;
esac

# Every port is checked before anything is built or started, so a clash is reported at once.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
holder() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 | sed 's/users:(("\([^"]*\)",pid=\([0-9]*\)/ (held by \1, pid \2)/'
}
busy=0
for var in "${PORTS[@]}"; do
  port=${!var}
  if port_in_use "$port"; then
    echo "!! port $port ($var) is already in use$(holder "$port")" >&2
    busy=1
  fi
done
if [ "$busy" = 1 ]; then
  echo "   Stop what holds it (another \`make run\`?) or choose other ports, e.g.:" >&2
  echo "   EDGE_A_PORT=9080 EDGE_B_PORT=9082 DISPATCHER_HTTP_PORT=9090 DISPATCHER_GRPC_PORT=9091 REDIS_PORT=6390 make run" >&2
  exit 1
fi

# A development secret made on this machine, never committed.
if [ ! -s "$RUN_DIR/dev-secret" ]; then
  head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48 > "$RUN_DIR/dev-secret"
fi
export Realtime__Auth__HmacSecret
Realtime__Auth__HmacSecret=$(cat "$RUN_DIR/dev-secret")

if [ "$BUILD" != 0 ]; then
  # The dev host references the edge and the dispatcher: one build makes all three services.
  if [ ! -f "services/Realtime.DevHost/bin/$CONFIGURATION/$BIN/Realtime.DevHost.dll" ]; then
    echo "== building (first build: restores packages and compiles every service; a few minutes on a small machine)"
  else
    echo "== building"
  fi
  status=0
  dotnet build services/Realtime.DevHost -c "$CONFIGURATION" -v minimal -nologo -tl:off > "$RUN_DIR/build.log" 2>&1 &
  BUILD_PID=$!
  # Progress: one line per project as its packages are restored and as it is built.
  tail -n +1 -f --pid="$BUILD_PID" "$RUN_DIR/build.log" 2>/dev/null \
    | grep --line-buffered -E '^ *[A-Za-z0-9_.]+ -> /|^ *Restored /' \
    | sed -u -E -e 's/^ *([A-Za-z0-9_.]+) -> .*/   built \1/' -e 's|^ *Restored /.*/([^/]+)\.csproj.*|   restored \1|' || true
  wait "$BUILD_PID" || status=$?
  BUILD_PID=""
  if [ "$status" != 0 ]; then
    echo "!! build failed (exit $status); full log: $RUN_DIR/build.log" >&2
    if grep -qE ': (error|warning) [A-Z]+[0-9]+' "$RUN_DIR/build.log"; then
      grep -E ': (error|warning) [A-Z]+[0-9]+' "$RUN_DIR/build.log" | sed -E 's/ \[[^]]*\]$//' | sort -u | head -60 >&2
    else
      tail -40 "$RUN_DIR/build.log" >&2
    fi
    exit 1
  fi
  if [ -f clients/js/package.json ] && command -v npm >/dev/null 2>&1; then
    echo "== building the demo page (npm)"
    (cd clients/js && { [ -d node_modules ] || npm ci --silent; } && npm run --silent build) > "$RUN_DIR/npm.log" 2>&1 || echo "   (demo page build skipped: npm build failed; see $RUN_DIR/npm.log)"
  fi
fi

start() {
  local name=$1; shift
  env "$@" > "$RUN_DIR/$name.log" 2>&1 &
  PIDS+=($!)
  NAMES[$!]=$name
}

# Reports a process that died during start-up at once, with the end of its log.
wait_ready() {
  local url=$1 name=$2 pid=""
  for p in "${PIDS[@]}"; do [ "${NAMES[$p]}" = "$name" ] && pid=$p; done
  for _ in $(seq 1 240); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "!! $name exited during start-up; the end of $RUN_DIR/$name.log:" >&2
      tail -20 "$RUN_DIR/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "!! $name did not become ready at $url in 120 s; see $RUN_DIR/$name.log" >&2
  exit 1
}

service() { echo "services/$1/bin/$CONFIGURATION/$BIN/$1.dll"; }
for dll in $(service Realtime.Edge) $(service Realtime.Dispatcher) $(service Realtime.DevHost); do
  if [ ! -f "$dll" ]; then
    echo "!! $dll is missing: run without BUILD=0" >&2
    exit 1
  fi
done

DEMO="$ROOT/clients/js/demo"
# Insecure dev mode: the dispatcher takes calls without an API key (it refuses to start without
# keys otherwise) and the edges mint tokens at /dev/token. Never use these settings in production.
COMMON=(Realtime__Edge__DevMode=true "Realtime__Edge__DemoPath=$DEMO" "Realtime__Dispatcher__CorsOrigins=*" Realtime__Edge__DrainSeconds=2
  Realtime__Dispatcher__Insecure=true)

echo "== starting ($MODE mode)"
if [ "$MODE" = cluster ]; then
  start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  start edge-a "${COMMON[@]}" SERVER_ID=edge-a Realtime__Edge__Port="$EDGE_A_PORT" Realtime__Edge__BindAddress=127.0.0.1 \
    dotnet "$(service Realtime.Edge)"
  start edge-b "${COMMON[@]}" SERVER_ID=edge-b Realtime__Edge__Port="$EDGE_B_PORT" Realtime__Edge__BindAddress=127.0.0.1 \
    dotnet "$(service Realtime.Edge)"
  start dispatcher "${COMMON[@]}" SERVER_ID=dispatcher Realtime__Dispatcher__HttpPort="$DISPATCHER_HTTP_PORT" Realtime__Dispatcher__GrpcPort="$DISPATCHER_GRPC_PORT" Realtime__Dispatcher__BindAddress=127.0.0.1 \
    dotnet "$(service Realtime.Dispatcher)"
  wait_ready "http://127.0.0.1:$EDGE_A_PORT/healthz/ready" edge-a
  wait_ready "http://127.0.0.1:$EDGE_B_PORT/healthz/ready" edge-b
  wait_ready "http://127.0.0.1:$DISPATCHER_HTTP_PORT/healthz/ready" dispatcher
else
  start devhost "${COMMON[@]}" SERVER_ID=dev ENABLE_WEBSOCKET_CLUSTERING=false Realtime__Edge__Port="$EDGE_A_PORT" Realtime__Edge__BindAddress=127.0.0.1 \
    Realtime__Dispatcher__HttpPort="$EDGE_A_PORT" Realtime__Dispatcher__GrpcPort="$DISPATCHER_GRPC_PORT" Realtime__Dispatcher__BindAddress=127.0.0.1 \
    dotnet "$(service Realtime.DevHost)"
  wait_ready "http://127.0.0.1:$EDGE_A_PORT/healthz/ready" devhost
fi

# What `make publish` and `make token` target while this runs (removed on stop).
cat > "$RUN_DIR/endpoints.mk" <<MK
# Written by scripts/run-local.sh while it runs ($MODE mode); read by the Makefile.
DISPATCHER_HTTP ?= http://127.0.0.1:$DISPATCHER_HTTP_PORT
DISPATCHER_GRPC ?= http://127.0.0.1:$DISPATCHER_GRPC_PORT
EDGE ?= http://127.0.0.1:$EDGE_A_PORT
MK

SHOWN_RUN_DIR=${RUN_DIR#"$ROOT"/}
MAKE_RUN_DIR=""
[ "$RUN_DIR" != "$ROOT/.run" ] && MAKE_RUN_DIR=" RUN_DIR=$RUN_DIR"
cat <<INFO

Realtime is running ($MODE mode; logs in $SHOWN_RUN_DIR/).
  INSECURE DEV MODE: the dispatcher accepts calls without an API key, /dev/token mints tokens for anyone.
  Edges (WebSocket):   ws://127.0.0.1:$EDGE_A_PORT/ws${EDGE_B_PORT:+   ws://127.0.0.1:$EDGE_B_PORT/ws}
  Demo page:           http://127.0.0.1:$EDGE_A_PORT/?dispatcher=http://127.0.0.1:$DISPATCHER_HTTP_PORT${EDGE_B_PORT:+   http://127.0.0.1:$EDGE_B_PORT/?dispatcher=http://127.0.0.1:$DISPATCHER_HTTP_PORT}
  Dispatcher gRPC:     http://127.0.0.1:$DISPATCHER_GRPC_PORT  (h2c; realtime.v1.Dispatcher, reflection on)
  Dispatcher HTTP:     http://127.0.0.1:$DISPATCHER_HTTP_PORT/v1/publish  (JSON)
  Metrics / health:    http://127.0.0.1:$EDGE_A_PORT/metrics   /healthz/live   /healthz/ready

Get a development token:
  make -s token USER_ID=alice$MAKE_RUN_DIR
  curl -s 'http://127.0.0.1:$EDGE_A_PORT/dev/token?user=alice&rooms=*'
Publish to a room (make publish targets http://127.0.0.1:$DISPATCHER_HTTP_PORT while this runs):
  make publish ROOM=lobby DATA='{"text":"hello"}'$MAKE_RUN_DIR
  curl -s -XPOST http://127.0.0.1:$DISPATCHER_HTTP_PORT/v1/publish -H 'content-type: application/json' \\
       -d '{"target":{"room":"lobby"},"event":"chat.message","data":"{\\"text\\":\\"hi\\"}"}'

Press Ctrl+C to stop.
INFO

# Returns only when a service dies by itself (Ctrl+C goes to on_signal).
wait -n "${PIDS[@]}" || true
for pid in "${PIDS[@]}"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "!! ${NAMES[$pid]} exited unexpectedly; the end of $RUN_DIR/${NAMES[$pid]}.log:" >&2
    tail -20 "$RUN_DIR/${NAMES[$pid]}.log" >&2
  fi
done
echo "== stopping the others" >&2
exit 1
