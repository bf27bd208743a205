# Realtime — developer entry points. `make run` and `make test` are the whole set-up.
SHELL := /bin/bash
RUN_DIR ?= .run
# While `make run` runs, it writes the URLs it actually serves (ports, single-process mode) here.
-include $(RUN_DIR)/endpoints.mk
DISPATCHER_HTTP ?= http://127.0.0.1:8090
DISPATCHER_GRPC ?= http://127.0.0.1:8091
EDGE ?= http://127.0.0.1:8080

.PHONY: build test run publish token format bench bench-one images deploy chart-test clean

build:
	dotnet build Realtime.sln

test:
	bash scripts/test.sh

# Ports: EDGE_A_PORT=8080 EDGE_B_PORT=8082 DISPATCHER_HTTP_PORT=8090 DISPATCHER_GRPC_PORT=8091 REDIS_PORT=6380
# (environment or make arguments); MODE=single forces the all-in-one dev host.
run:
	@bash scripts/run-local.sh

# make publish ROOM=lobby DATA='{"text":"hi"}'   |   USER_ID=alice   |   BROADCAST=1   [EVENT=x API_KEY=k]
# The values reach scripts/publish.sh as environment variables, unexpanded and unquoted, so DATA
# may hold any text; it exits non-zero on HTTP errors and when the dispatcher cannot be reached.
publish: override export DISPATCHER_HTTP := $(DISPATCHER_HTTP)
publish: override export ROOM := $(value ROOM)
publish: override export USER_ID := $(value USER_ID)
publish: override export BROADCAST := $(value BROADCAST)
publish: override export EVENT := $(value EVENT)
publish: override export DATA := $(value DATA)
publish: override export API_KEY := $(value API_KEY)
publish:
	@bash scripts/publish.sh

# make token USER_ID=alice ROOMS='lobby,team-*'  (development mode edges only)
token:
	@curl -sS --fail-with-body "$(EDGE)/dev/token?user=$(or $(USER_ID),alice)&rooms=$(or $(ROOMS),*)" && echo

format:
	dotnet format Realtime.sln --verify-no-changes

# make bench [ARGS=bench/results/mine.md]: the side-by-side pass (Realtime, SignalR, Socket.IO and the
# bare-Kestrel floor on one local Redis; under 10 minutes on 2 cores), results appended to
# bench/results/<date>-bench.md (or ARGS), summary printed. CONNECTIONS=5000 ROUNDS=1 SYSTEMS="..." tune it.
bench:
	bash bench/run-bench.sh $(ARGS)

# make bench-one ARGS="--system realtime --connections 5000 --rooms 50 --messages 2000": one measurement.
bench-one:
	dotnet build services/Realtime.Edge -c Release -v quiet
	dotnet build services/Realtime.Dispatcher -c Release -v quiet
	dotnet run -c Release --project bench/Realtime.Bench -- $(ARGS)

images:
	docker build --build-arg SERVICE=Realtime.Edge -t realtime-edge:dev .
	docker build --build-arg SERVICE=Realtime.Dispatcher -t realtime-dispatcher:dev .
	docker build --build-arg SERVICE=Realtime.Operator -t realtime-operator:dev .

deploy:
	skaffold run -p dev

chart-test:
	dotnet test tests/Realtime.Chart.Tests

clean:
	dotnet clean Realtime.sln -v quiet
	rm -rf .run
