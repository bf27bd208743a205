# Realtime — developer entry points. `make run` and `make test` are the whole set-up.
SHELL := /bin/bash
DISPATCHER_HTTP ?= http://127.0.0.1:8090
DISPATCHER_GRPC ?= http://127.0.0.1:8091
EDGE ?= http://127.0.0.1:8080
EVENT ?= chat.message
DATA ?= {"text":"hello from make publish"}

.PHONY: build test run publish token format bench images deploy chart-test clean

build:
	dotnet build Realtime.sln

test:
	bash scripts/test.sh

run:
	bash scripts/run-local.sh

# make publish ROOM=lobby DATA='{"text":"hi"}'   |   USER_ID=alice   |   BROADCAST=1
publish:
	@target='{"broadcast":true}'; \
	if [ -n "$(ROOM)" ]; then target='{"room":"$(ROOM)"}'; elif [ -n "$(USER_ID)" ]; then target='{"user":"$(USER_ID)"}'; fi; \
	data=$$(printf '%s' '$(DATA)' | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'); \
	curl -sS -XPOST "$(DISPATCHER_HTTP)/v1/publish" -H 'content-type: application/json' \
	  -d "{\"target\":$$target,\"event\":\"$(EVENT)\",\"data\":$$data}"; echo

# make token USER_ID=alice ROOMS='lobby,team-*'  (development mode edges only)
token:
	@curl -sS "$(EDGE)/dev/token?user=$(or $(USER_ID),alice)&rooms=$(or $(ROOMS),*)"; echo

format:
	dotnet format Realtime.sln --verify-no-changes

bench:
	dotnet build services/Realtime.Edge -c Release -v quiet
	dotnet build services/Realtime.Dispatcher -c Release -v quiet
	dotnet run -c Release --project bench/Realtime.Bench -- $(ARGS)

images:
	docker build -f services/Realtime.Edge/Dockerfile -t realtime-edge:dev .
	docker build -f services/Realtime.Dispatcher/Dockerfile -t realtime-dispatcher:dev .

deploy:
	skaffold run -p dev

chart-test:
	dotnet test tests/Realtime.Chart.Tests

clean:
	dotnet clean Realtime.sln -v quiet
	rm -rf .run
