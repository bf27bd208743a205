using System.Globalization;
using System.Text;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Realtime.V1;

namespace Realtime.Bench;

/// <summary>
/// One system under test: a server process holding the WebSocket connections (whose CPU and RSS
/// are measured) and a separate publisher process that reaches it through the same Redis.
/// </summary>
internal interface IBenchSystem : IAsyncDisposable
{
    /// <summary>The process holding the client connections.</summary>
    BenchProcess Server { get; }

    /// <summary>What runs, for the results file.</summary>
    string Description { get; }

    Task StartAsync();

    Task<BenchClient> ConnectAsync(int n, string room);

    /// <summary>
    /// Publishes <paramref name="messages"/> messages round-robin to rooms r0..r(rooms-1), at most
    /// <paramref name="rate"/> per second when it is above 0, and returns when all were sent.
    /// </summary>
    Task PublishAsync(int rooms, int messages, int concurrency, int rate, string payload);

    public static IBenchSystem Create(BenchOptions options, string root, int redisPort, IReadOnlyList<int> shardPorts) => options.System switch
    {
        "realtime" => new RealtimeSystem(options, root, redisPort, shardPorts),
        "signalr" => new SignalRSystem(options, root, redisPort),
        "socketio" => new SocketIoSystem(options, root, redisPort),
        "floor" => new FloorSystem(options, root),
        _ => throw new ArgumentException(options.System),
    };
}

/// <summary>Realtime: one edge process (measured) and one dispatcher process; the bench publishes through gRPC.</summary>
internal sealed class RealtimeSystem(BenchOptions options, string root, int redisPort, IReadOnlyList<int> shardPorts) : IBenchSystem
{
    private static readonly string[] AllRooms = ["*"];
    private readonly string _secret = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
    private readonly int _edgePort = BenchProcess.FreePort();
    private readonly int _httpPort = BenchProcess.FreePort();
    private readonly int _grpcPort = BenchProcess.FreePort();
    private readonly JsonWebTokenHandler _tokens = new();
    private BenchProcess? _edge;
    private BenchProcess? _dispatcher;
    private GrpcChannel? _channel;
    private Dispatcher.DispatcherClient? _grpc;

    public BenchProcess Server => _edge ?? throw new InvalidOperationException("not started");

    public string Description => "one Realtime edge process (measured) + one dispatcher process (gRPC publish, Lua script: offset, history stream append, PUBLISH)"
        + (options.RoomHistory is { } h ? $"; room history MaxMessages={h}" : "; room history on (service default)")
        + (shardPorts.Count > 1 ? $"; sharded over {shardPorts.Count} redis-servers (REDIS_SHARDS)" : string.Empty);

    public async Task StartAsync()
    {
        var env = new Dictionary<string, string>
        {
            ["REDIS_URL"] = $"redis://127.0.0.1:{redisPort}",
            ["Realtime__Auth__HmacSecret"] = _secret,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (shardPorts.Count > 1)
        {
            env["REDIS_SHARDS"] = string.Join(",", shardPorts.Select(p => $"redis://127.0.0.1:{p}"));
        }

        if (options.RoomHistory is { } history)
        {
            env["Realtime__History__Namespaces__room__MaxMessages"] = history.ToString(CultureInfo.InvariantCulture);
        }

        _edge = BenchProcess.Start("dotnet", [Path.Combine(root, options.EdgeDll)], new(env)
        {
            ["SERVER_ID"] = "bench-edge",
            ["Realtime__Edge__Port"] = _edgePort.ToString(CultureInfo.InvariantCulture),
            ["Realtime__Edge__BindAddress"] = "127.0.0.1",
            ["Realtime__Edge__MaxConnections"] = "100000",
        });
        _dispatcher = BenchProcess.Start("dotnet", [Path.Combine(root, options.DispatcherDll)], new(env)
        {
            ["SERVER_ID"] = "bench-dispatcher",
            ["Realtime__Dispatcher__HttpPort"] = _httpPort.ToString(CultureInfo.InvariantCulture),
            ["Realtime__Dispatcher__GrpcPort"] = _grpcPort.ToString(CultureInfo.InvariantCulture),
            ["Realtime__Dispatcher__BindAddress"] = "127.0.0.1",
            ["Realtime__Dispatcher__Insecure"] = "true",
        });
        await BenchProcess.WaitReadyAsync(new Uri($"http://127.0.0.1:{_edgePort}/healthz/ready"));
        await BenchProcess.WaitReadyAsync(new Uri($"http://127.0.0.1:{_httpPort}/healthz/ready"));
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_grpcPort}");
        _grpc = new Dispatcher.DispatcherClient(_channel);
    }

    public Task<BenchClient> ConnectAsync(int n, string room)
    {
        var token = _tokens.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = $"u{n}", ["rooms"] = AllRooms },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_secret)), SecurityAlgorithms.HmacSha256),
        });
        return BenchClient.ConnectRealtimeAsync(new Uri($"ws://127.0.0.1:{_edgePort}/ws"), token, $"room:{room}");
    }

    public async Task PublishAsync(int rooms, int messages, int concurrency, int rate, string payload)
    {
        var grpc = _grpc ?? throw new InvalidOperationException("not started");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async p =>
        {
            for (var m = p; m < messages; m += concurrency)
            {
                if (rate > 0 && TimeSpan.FromSeconds(m / (double)rate) - watch.Elapsed is { TotalMilliseconds: >= 1 } wait)
                {
                    await Task.Delay(wait);
                }

                await grpc.PublishAsync(new PublishRequest { Target = new Target { Room = $"r{m % rooms}" }, Event = "bench", Data = payload });
            }
        }));
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_dispatcher is not null)
        {
            await _dispatcher.DisposeAsync();
        }

        if (_edge is not null)
        {
            await _edge.DisposeAsync();
        }
    }
}

/// <summary>A peer whose server and publisher are separate processes driven over stdin/stdout ("ready", "publish …" / "done …").</summary>
internal abstract class PeerSystem : IBenchSystem
{
    private BenchProcess? _server;
    private BenchProcess? _publisher;

    protected int Port { get; } = BenchProcess.FreePort();

    public BenchProcess Server => _server ?? throw new InvalidOperationException("not started");

    public abstract string Description { get; }

    public async Task StartAsync()
    {
        _server = StartServer();
        _publisher = StartPublisher();
        await _server.ReadLineAsync("ready", TimeSpan.FromSeconds(60));
        await _publisher.ReadLineAsync("ready", TimeSpan.FromSeconds(60));
        await BenchProcess.WaitReadyAsync(new Uri($"http://127.0.0.1:{Port}/healthz"));
    }

    public abstract Task<BenchClient> ConnectAsync(int n, string room);

    public async Task PublishAsync(int rooms, int messages, int concurrency, int rate, string payload)
    {
        var publisher = _publisher ?? throw new InvalidOperationException("not started");
        await publisher.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"publish {rooms} {messages} {concurrency} {rate} {payload}"));
        await publisher.ReadLineAsync("done", TimeSpan.FromSeconds(300));
    }

    public async ValueTask DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected abstract BenchProcess StartServer();

    protected abstract BenchProcess StartPublisher();
}

/// <summary>ASP.NET Core SignalR with the StackExchange.Redis backplane (bench/peers/signalr).</summary>
internal sealed class SignalRSystem(BenchOptions options, string root, int redisPort) : PeerSystem
{
    private readonly Dictionary<string, string> _env = new() { ["Logging__LogLevel__Default"] = "Warning" };

    public override string Description => "one ASP.NET Core SignalR server process (measured, hub on /hub, Redis backplane) + one publisher process (IHubContext, same backplane)";

    public override Task<BenchClient> ConnectAsync(int n, string room) =>
        BenchClient.ConnectSignalRAsync(new Uri($"ws://127.0.0.1:{Port}/hub"), room);

    protected override BenchProcess StartServer() => BenchProcess.Start(
        "dotnet",
        [Dll(), "server", "--port", Port.ToString(CultureInfo.InvariantCulture), "--redis", $"127.0.0.1:{redisPort}"],
        _env,
        interactive: true);

    protected override BenchProcess StartPublisher() => BenchProcess.Start("dotnet", [Dll(), "publish", "--redis", $"127.0.0.1:{redisPort}"], _env, interactive: true);

    private string Dll()
    {
        var dll = Path.Combine(root, options.SignalRDll);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} not found: run `dotnet build bench/peers/signalr -c Release`");
    }
}

/// <summary>Socket.IO (node) with @socket.io/redis-adapter; publisher with @socket.io/redis-emitter (bench/peers/socketio).</summary>
internal sealed class SocketIoSystem(BenchOptions options, string root, int redisPort) : PeerSystem
{
    public override string Description => "one Socket.IO node server process (measured, websocket transport only, @socket.io/redis-adapter) + one node publisher process (@socket.io/redis-emitter)";

    public override Task<BenchClient> ConnectAsync(int n, string room) =>
        BenchClient.ConnectSocketIoAsync(new Uri($"ws://127.0.0.1:{Port}/socket.io/?EIO=4&transport=websocket"), room);

    protected override BenchProcess StartServer() => BenchProcess.Start(
        options.Node,
        [Path.Combine(Dir(), "server.mjs"), "--port", Port.ToString(CultureInfo.InvariantCulture), "--redis", $"redis://127.0.0.1:{redisPort}"],
        [],
        interactive: true,
        workingDirectory: Dir());

    protected override BenchProcess StartPublisher() => BenchProcess.Start(
        options.Node,
        [Path.Combine(Dir(), "publish.mjs"), "--redis", $"redis://127.0.0.1:{redisPort}"],
        [],
        interactive: true,
        workingDirectory: Dir());

    private string Dir()
    {
        var dir = Path.Combine(root, options.SocketIoDir);
        return Directory.Exists(Path.Combine(dir, "node_modules"))
            ? dir
            : throw new DirectoryNotFoundException($"{dir}/node_modules not found: run `npm ci` in {options.SocketIoDir}");
    }
}

/// <summary>
/// The floor (bench/peers/floor): a bare Kestrel WebSocket server that sends the same message bytes
/// to the same sockets, with no Redis, auth, protocol or per-connection queue. It publishes from its
/// own stdin commands, so its CPU includes building each frame once.
/// </summary>
internal sealed class FloorSystem(BenchOptions options, string root) : IBenchSystem
{
    private readonly int _port = BenchProcess.FreePort();
    private BenchProcess? _server;

    public BenchProcess Server => _server ?? throw new InvalidOperationException("not started");

    public string Description => "bare Kestrel WebSocket server (measured): same bytes per message as Realtime, one frame per message per socket, no Redis, auth or protocol";

    public async Task StartAsync()
    {
        var dll = Path.Combine(root, options.FloorDll);
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} not found: run `dotnet build bench/peers/floor -c Release`");
        }

        _server = BenchProcess.Start("dotnet", [dll, "server", "--port", _port.ToString(CultureInfo.InvariantCulture)], [], interactive: true);
        await _server.ReadLineAsync("ready", TimeSpan.FromSeconds(60));
        await BenchProcess.WaitReadyAsync(new Uri($"http://127.0.0.1:{_port}/healthz"));
    }

    public Task<BenchClient> ConnectAsync(int n, string room) =>
        BenchClient.ConnectFloorAsync(new Uri($"ws://127.0.0.1:{_port}/ws?room={room}"));

    public async Task PublishAsync(int rooms, int messages, int concurrency, int rate, string payload)
    {
        var server = Server;
        await server.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"publish {rooms} {messages} {concurrency} {rate} {payload}"));
        await server.ReadLineAsync("done", TimeSpan.FromSeconds(300));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
