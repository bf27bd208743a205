#!/usr/bin/env bash
# `make publish`: one message through the dispatcher's HTTP/JSON API (POST /v1/publish).
# Everything comes from the environment, never from shell-quoted text, so any DATA (apostrophes,
# quotes, $, newlines) arrives as written:
#   DISPATCHER_HTTP  base URL (make: from .run/endpoints.mk while `make run` runs, else :8090)
#   ROOM | USER_ID | BROADCAST=1   the target (default: broadcast)
#   EVENT            event name (default chat.message)
#   DATA             the JSON payload (default {"text":"hello from make publish"})
#   API_KEY          sent as x-api-key when set
# Exits non-zero on an HTTP error (the dispatcher's answer is printed) and when the dispatcher
# cannot be reached.
set -euo pipefail

url=${DISPATCHER_HTTP:-http://127.0.0.1:8090}
url=${url%/}
body=$(python3 - <<'PY'
import json, os
env = os.environ.get
if env("ROOM"):
    target = {"room": env("ROOM")}
elif env("USER_ID"):
    target = {"user": env("USER_ID")}
else:
    target = {"broadcast": True}
print(json.dumps({
    "target": target,
    "event": env("EVENT") or "chat.message",
    "data": env("DATA") or '{"text":"hello from make publish"}',
}))
PY
)

headers=(-H 'content-type: application/json')
if [ -n "${API_KEY:-}" ]; then
  headers+=(-H "x-api-key: $API_KEY")
fi

# The body goes through stdin (--data-binary @-): no quoting, no size limit of the command line.
status=0
printf '%s' "$body" | curl -sS --fail-with-body --connect-timeout 5 --max-time 30 -XPOST "$url/v1/publish" "${headers[@]}" --data-binary @- || status=$?
if [ "$status" -ne 0 ]; then
  echo >&2
  echo "!! make publish failed (curl exit $status) against $url/v1/publish" >&2
  case $status in
    7) echo "   nothing listens there: is \`make run\` running? (set DISPATCHER_HTTP=http://host:port)" >&2 ;;
    22) echo "   the dispatcher refused the request (its answer is above)" >&2 ;;
  esac
  exit "$status"
fi
echo
