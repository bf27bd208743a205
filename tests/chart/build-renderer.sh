#!/usr/bin/env sh
# Builds the offline chart renderer to tests/chart/bin/renderer.
#
# Works in module mode when the Go proxy is reachable, and offline in GOPATH
# mode against Debian's packaged libraries:
#   apt-get install -y golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev
# Debian installs sprig at github.com/Masterminds/sprig while the code imports
# github.com/Masterminds/sprig/v3, so GOPATH mode gets a small extra GOPATH
# whose only entry links the /v3 path to the packaged source.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/bin/renderer"
mkdir -p "$here/bin"
gocode=${DEBIAN_GOCODE:-/usr/share/gocode}

if ! command -v go >/dev/null 2>&1; then
  echo "go not found: apt-get install -y golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev" >&2
  exit 1
fi

if [ -d "$gocode/src/github.com/Masterminds/sprig" ] && [ -d "$gocode/src/gopkg.in/yaml.v3" ]; then
  shim=$(mktemp -d)
  trap 'rm -rf "$shim"' EXIT
  mkdir -p "$shim/src/github.com/Masterminds/sprig"
  ln -s "$gocode/src/github.com/Masterminds/sprig" "$shim/src/github.com/Masterminds/sprig/v3"
  cd "$here/renderer"
  GO111MODULE=off GOPATH="$shim:$gocode" GOFLAGS= go build -o "$out" .
else
  cd "$here/renderer"
  GOFLAGS=-mod=mod go build -o "$out" .
fi
echo "$out"
