# syntax=docker/dockerfile:1
# One image recipe for the three services; SERVICE picks which. Build context is the repository root:
#   docker build --build-arg SERVICE=Realtime.Edge       -t realtime-edge .
#   docker build --build-arg SERVICE=Realtime.Dispatcher -t realtime-dispatcher .
#   docker build --build-arg SERVICE=Realtime.Operator   -t realtime-operator .
# The dispatcher image also carries the realtime CLI in /app/cli (the chart's `helm test` pod runs
# `dotnet /app/cli/Realtime.Cli.dll selftest`).
# Runtime: the Debian-based aspnet image (it has /bin/sh and /bin/sleep, which the exec preStop
# uses), running as the image's non-root "app" user (uid 1654), listening on 8080
# (ASPNETCORE_HTTP_PORTS; the dispatcher also serves gRPC over h2c on 8081).

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG SERVICE=Realtime.Edge
WORKDIR /src
# Restore from the project files alone so that source edits keep this layer.
# Add a COPY line here when a service gains a project.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY protos/ protos/
COPY services/Realtime.Core/Realtime.Core.csproj services/Realtime.Core/
COPY services/Realtime.Redis/Realtime.Redis.csproj services/Realtime.Redis/
COPY services/Realtime.Hosting/Realtime.Hosting.csproj services/Realtime.Hosting/
COPY services/Realtime.Edge/Realtime.Edge.csproj services/Realtime.Edge/
COPY services/Realtime.Dispatcher/Realtime.Dispatcher.csproj services/Realtime.Dispatcher/
COPY services/Realtime.Operator/Realtime.Operator.csproj services/Realtime.Operator/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore "services/${SERVICE}/${SERVICE}.csproj"
COPY services/ services/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish "services/${SERVICE}/${SERVICE}.csproj" -c Release --no-restore -o /app -p:UseAppHost=false

# The CLI and the .NET client it uses, for the dispatcher image only.
COPY clients/dotnet/ clients/dotnet/
COPY tools/ tools/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    if [ "${SERVICE}" = "Realtime.Dispatcher" ]; then \
      dotnet publish tools/Realtime.Cli/Realtime.Cli.csproj -c Release -o /app/cli -p:UseAppHost=false; \
    fi

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
ARG SERVICE=Realtime.Edge
ENV REALTIME_SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build --chown=root:root /app ./
USER app
EXPOSE 8080 8081
# exec: the service is PID 1 and receives SIGTERM itself (the edge drains on it).
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"/app/${REALTIME_SERVICE}.dll\" \"$@\"", "realtime"]
