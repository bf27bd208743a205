using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Options;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>The process's one <see cref="IConnectionMultiplexer"/>, connected lazily on first use.</summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;
    private readonly ILogger<RedisConnection> _logger;

    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        Channels = new RedisChannels(options.Value.Prefix);
        OperationTimeout = TimeSpan.FromMilliseconds(options.Value.OperationTimeoutMs);
        var configuration = RedisUrl.Parse(options.Value.Url);
        configuration.ClientName ??= "realtime";
        configuration.SyncTimeout = options.Value.OperationTimeoutMs;
        configuration.AsyncTimeout = options.Value.OperationTimeoutMs;
        configuration.ConnectTimeout = Math.Min(options.Value.OperationTimeoutMs, 5000);
        _multiplexer = new Lazy<Task<IConnectionMultiplexer>>(() => ConnectAsync(configuration));
    }

    public RedisChannels Channels { get; }

    public TimeSpan OperationTimeout { get; }

    public bool IsConnected => _multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully && _multiplexer.Value.Result.IsConnected;

    public Task<IConnectionMultiplexer> GetAsync() => _multiplexer.Value;

    /// <summary>
    /// Runs one Redis operation with the operation timeout; an unreachable or silent Redis surfaces
    /// as <see cref="BusUnavailableException"/> (UNAVAILABLE at the API, not-ready at the probes).
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IConnectionMultiplexer, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            var multiplexer = await GetAsync().WaitAsync(OperationTimeout, cancellationToken);
            return await operation(multiplexer).WaitAsync(OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new BusUnavailableException(ex is RedisServerException ? "Redis refused the command: " + ex.Message : "Redis is not reachable: " + ex.Message, ex);
        }
    }

    /// <summary><see cref="RunAsync{T}"/> against the default database.</summary>
    public Task<T> RunOnDatabaseAsync<T>(Func<IDatabase, Task<T>> operation, CancellationToken cancellationToken) =>
        RunAsync(multiplexer => operation(multiplexer.GetDatabase()), cancellationToken);

    public Task RunOnDatabaseAsync(Func<IDatabase, Task> operation, CancellationToken cancellationToken) =>
        RunOnDatabaseAsync(async db =>
        {
            await operation(db);
            return true;
        }, cancellationToken);

    /// <summary>
    /// True for every failure that says "Redis cannot serve this now": the connection is down or
    /// silent, or the server answered with an error. Server errors are mostly transient states of
    /// a failover or a restart (READONLY from a demoted primary, LOADING while a dataset loads,
    /// BUSY during a long script, MASTERDOWN, TRYAGAIN, CLUSTERDOWN, OOM, MISCONF); callers get
    /// UNAVAILABLE and retry, and local state is never left half-updated because of them.
    /// </summary>
    internal static bool IsUnavailable(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException or RedisServerException or TimeoutException or ObjectDisposedException;

    /// <summary>
    /// True when the server is a Redis Cluster: pub/sub then uses sharded channels
    /// (SSUBSCRIBE / SPUBLISH), so each message is handled by the one shard owning its channel's
    /// slot instead of being broadcast across the whole cluster bus.
    /// </summary>
    public bool IsCluster { get; private set; }

    /// <summary>Raised when a subscription connection comes back (StackExchange.Redis resubscribes by itself).</summary>
    public event EventHandler? SubscriptionsRestored;

    /// <summary>The pub/sub channel of a Realtime channel: sharded on a cluster, classic otherwise.</summary>
    public RedisChannel PubSub(string channel) =>
        IsCluster ? RedisChannel.Sharded(Channels.PubSubName(channel)) : RedisChannel.Literal(Channels.PubSubName(channel));

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            await _multiplexer.Value.Result.DisposeAsync();
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        Log.Connecting(_logger, configuration.EndPoints);
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        multiplexer.ConnectionFailed += (_, e) => Log.ConnectionFailed(_logger, e.EndPoint, e.FailureType, e.Exception);
        multiplexer.ConnectionRestored += (_, e) =>
        {
            Log.ConnectionRestored(_logger, e.EndPoint);
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                SubscriptionsRestored?.Invoke(this, EventArgs.Empty);
            }
        };
        IsCluster = multiplexer.GetServers().Any(s => s.IsConnected && s.ServerType == ServerType.Cluster);
        if (IsCluster)
        {
            Log.ClusterMode(_logger);
        }

        return multiplexer;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Connecting to Redis at {Endpoints}")]
        public static partial void Connecting(ILogger logger, IEnumerable<System.Net.EndPoint> endpoints);

        [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Redis connection to {Endpoint} failed ({FailureType})")]
        public static partial void ConnectionFailed(ILogger logger, System.Net.EndPoint? endpoint, ConnectionFailureType failureType, Exception? exception);

        [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Redis connection to {Endpoint} restored")]
        public static partial void ConnectionRestored(ILogger logger, System.Net.EndPoint? endpoint);

        [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Redis Cluster detected: using sharded pub/sub (SSUBSCRIBE/SPUBLISH)")]
        public static partial void ClusterMode(ILogger logger);
    }
}
