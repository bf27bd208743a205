#!/usr/bin/env bash
# `make test`: installs what the tests need (when missing) and runs every suite:
# .NET unit/integration/chart tests (real Redis, real Kestrel on loopback), the TypeScript SDK
# tests and the browser end-to-end tests. Ends with one line "Summary: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOG_DIR="$ROOT/.run/test-logs"
mkdir -p "$LOG_DIR"

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# tests/Realtime.Redis.Tests: Sentinel failover (RedisSentinelGroup).
command -v redis-sentinel >/dev/null 2>&1 || need_apt+=(redis-sentinel)
command -v go >/dev/null 2>&1 || need_apt+=(golang-go)
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || need_apt+=(golang-github-masterminds-sprig-dev)
[ -d /usr/share/gocode/src/gopkg.in/yaml.v3 ] || need_apt+=(golang-gopkg-yaml.v3-dev)
if [ -d tests/e2e ]; then [ -x /usr/bin/chromium ] || need_apt+=(chromium); fi
# tests/Realtime.IntegrationTests/Operations drive `make run` / `make publish` as a user would.
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${need_apt[*]} (apt)"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null 2>&1 || echo "!! apt-get install ${need_apt[*]} failed"
  else
    echo "!! missing: ${need_apt[*]} — install them (Debian: sudo apt-get install -y ${need_apt[*]})"
  fi
fi

passed=0; failed=0; skipped=0; broken=0

echo "== dotnet build"
if ! dotnet build Realtime.sln -nologo -v quiet 2>&1 | tee "$LOG_DIR/build.log" | grep -E "error|warn" ; then :; fi
if ! grep -q "Build succeeded" "$LOG_DIR/build.log" || grep -qE "[1-9][0-9]* Error\(s\)" "$LOG_DIR/build.log"; then
  echo "!! build failed"; tail -30 "$LOG_DIR/build.log"; echo "Summary: 0 passed, 1 failed, 0 skipped"; exit 1
fi

echo "== dotnet format --verify-no-changes (style, imports, whitespace: .editorconfig)"
if ! dotnet format Realtime.sln --verify-no-changes --no-restore >"$LOG_DIR/format.log" 2>&1; then
  echo "!! dotnet format found changes to make (run: dotnet format Realtime.sln)"; grep -E "error|warning" "$LOG_DIR/format.log" | head -20
  broken=$((broken + 1))
fi

echo "== dotnet test"
dotnet test Realtime.sln --no-build -nologo 2>&1 | tee "$LOG_DIR/dotnet-test.log" | grep -E "^(Passed!|Failed!)|\[FAIL\]|Error Message|^\s+Assert|TimeoutException" || true
while read -r f p s; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+), +Skipped: +([0-9]+).*/\2 \3 \4/p' "$LOG_DIR/dotnet-test.log")
if ! grep -qE "(Passed|Failed)! " "$LOG_DIR/dotnet-test.log" || grep -qE "Test Run Aborted|The active test run was aborted" "$LOG_DIR/dotnet-test.log"; then
  echo "!! dotnet test did not complete"; broken=$((broken + 1))
fi

run_node_suite() {
  local dir=$1 name=$2
  [ -f "$dir/package.json" ] || return 0
  echo "== $name ($dir)"
  if ! (cd "$dir" && npm ci --no-audit --no-fund --silent >"$LOG_DIR/$name-npm.log" 2>&1); then
    echo "!! npm ci failed in $dir"; tail -20 "$LOG_DIR/$name-npm.log"; broken=$((broken + 1)); return 0
  fi
  run_node_script "$dir" "$name" test
  # Packages that keep their real-service tests apart (clients/js) run them after the unit tests.
  if grep -q '"test:integration"' "$dir/package.json"; then
    run_node_script "$dir" "$name-integration" test:integration
  fi
}

run_node_script() {
  local dir=$1 name=$2 script=$3
  (cd "$dir" && npm run "$script" 2>&1) | tee "$LOG_DIR/$name.log" | grep -E "^# (pass|fail|skipped)|^not ok" || true
  local p f s c
  p=$(sed -nE 's/^# pass ([0-9]+)/\1/p' "$LOG_DIR/$name.log" | tail -1)
  f=$(sed -nE 's/^# fail ([0-9]+)/\1/p' "$LOG_DIR/$name.log" | tail -1)
  # Tests cancelled because their suite's hook failed (e.g. the cluster did not start) count as failed.
  c=$(sed -nE 's/^# cancelled ([0-9]+)/\1/p' "$LOG_DIR/$name.log" | tail -1)
  f=$(( ${f:-0} + ${c:-0} ))
  s=$(sed -nE 's/^# skipped ([0-9]+)/\1/p' "$LOG_DIR/$name.log" | tail -1)
  if [ -z "$p" ]; then echo "!! $name did not report results"; tail -30 "$LOG_DIR/$name.log"; broken=$((broken + 1)); return 0; fi
  passed=$((passed + p)); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
}
run_node_suite clients/js js-sdk
run_node_suite tests/e2e e2e

echo "Summary: $passed passed, $((failed + broken)) failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$broken" -eq 0 ] && [ "$passed" -gt 0 ]
