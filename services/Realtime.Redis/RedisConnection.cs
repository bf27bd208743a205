using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Options;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// One Redis (a single server, a Sentinel-managed group or a Cluster) behind one
/// <see cref="IConnectionMultiplexer"/>, connected lazily on first use. In sharded mode there is
/// one per shard (<see cref="RedisShards"/>). Pub/sub subscriptions made here are tracked so that
/// <see cref="ReconnectAsync"/> can move them onto a fresh connection.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private readonly ConcurrentDictionary<RedisSubscription, byte> _subscriptions = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reconnecting = new(1, 1);
    private Task<IConnectionMultiplexer>? _current;
    private bool _disposed;

    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
        : this(options.Value, options.Value.Url, "0", logger)
    {
    }

    public RedisConnection(RedisOptions options, string url, string name, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        Name = name;
        Channels = new RedisChannels(options.Prefix);
        OperationTimeout = TimeSpan.FromMilliseconds(options.OperationTimeoutMs);
        _configuration = RedisUrl.Parse(url);
        _configuration.ClientName ??= "realtime";
        _configuration.SyncTimeout = options.OperationTimeoutMs;
        _configuration.AsyncTimeout = options.OperationTimeoutMs;
        _configuration.ConnectTimeout = Math.Min(options.OperationTimeoutMs, 5000);
        IsSentinel = !string.IsNullOrEmpty(_configuration.ServiceName);
    }

    /// <summary>The shard's label ("0" for a single Redis).</summary>
    public string Name { get; }

    public RedisChannels Channels { get; }

    public TimeSpan OperationTimeout { get; }

    /// <summary>True when the setting named a Sentinel service (<c>redis+sentinel://…/service</c>).</summary>
    public bool IsSentinel { get; }

    public bool IsConnected => Volatile.Read(ref _current) is { IsCompletedSuccessfully: true } task && task.Result.IsConnected;

    /// <summary>
    /// True when the server is a Redis Cluster: pub/sub then uses sharded channels
    /// (SSUBSCRIBE / SPUBLISH), so each message is handled by the one shard owning its channel's
    /// slot instead of being broadcast across the whole cluster bus.
    /// </summary>
    public bool IsCluster { get; private set; }

    /// <summary>Raised when subscriptions come back after a drop (StackExchange.Redis resubscribes by itself) or after <see cref="ReconnectAsync"/>.</summary>
    public event EventHandler? SubscriptionsRestored;

    /// <summary>The current multiplexer; a connection attempt that failed outright is retried on the next call.</summary>
    public Task<IConnectionMultiplexer> GetAsync()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is null || _current.IsFaulted || _current.IsCanceled)
            {
                _current = ConnectAsync();
            }

            return _current;
        }
    }

    /// <summary>
    /// Runs one Redis operation with the operation timeout; an unreachable or silent Redis surfaces
    /// as <see cref="BusUnavailableException"/> (UNAVAILABLE at the API, not-ready at the probes).
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IConnectionMultiplexer, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
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

    /// <summary>The pub/sub channel of a Realtime channel: sharded on a cluster, classic otherwise.</summary>
    public RedisChannel PubSub(string channel) => PubSubNamed(Channels.PubSubName(channel));

    /// <summary>Subscribes to a pub/sub channel; messages of it are handed over in the order Redis delivered them.</summary>
    public async Task<IAsyncDisposable> SubscribeAsync(Func<RedisChannel> channel, Action<RedisValue> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var subscription = new RedisSubscription(this, channel, handler);
        await RunAsync(multiplexer => subscription.AttachAsync(multiplexer), cancellationToken);
        _subscriptions[subscription] = 0;
        return subscription;
    }

    /// <summary>
    /// Replaces the multiplexer with a freshly connected one and moves every subscription onto it,
    /// then raises <see cref="SubscriptionsRestored"/>: the cure for a subscription connection that
    /// is open but silent (a wedged socket after a failover), which StackExchange.Redis cannot see.
    /// </summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        if (!await _reconnecting.WaitAsync(0, cancellationToken))
        {
            return; // one at a time; the running one does the work
        }

        try
        {
            Task<IConnectionMultiplexer>? old;
            Task<IConnectionMultiplexer> fresh;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                old = _current;
                fresh = _current = ConnectAsync();
            }

            Log.Reconnecting(_logger, Name);
            var multiplexer = await fresh.WaitAsync(cancellationToken);
            foreach (var subscription in _subscriptions.Keys)
            {
                try
                {
                    await subscription.AttachAsync(multiplexer).WaitAsync(OperationTimeout, cancellationToken);
                }
                catch (Exception ex) when (IsUnavailable(ex))
                {
                    Log.ResubscribeFailed(_logger, Name, ex); // the multiplexer resubscribes when it reconnects
                }
            }

            if (old is { IsCompletedSuccessfully: true })
            {
                _ = CloseQuietlyAsync(old.Result);
            }

            SubscriptionsRestored?.Invoke(this, EventArgs.Empty);
        }
        finally
        {
            _reconnecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<IConnectionMultiplexer>? current;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            current = _current;
        }

        if (current is { IsCompletedSuccessfully: true })
        {
            await current.Result.DisposeAsync();
        }

        _reconnecting.Dispose();
    }

    internal RedisChannel PubSubNamed(string name) => IsCluster ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);

    internal void Forget(RedisSubscription subscription) => _subscriptions.TryRemove(subscription, out _);

    private static async Task CloseQuietlyAsync(IConnectionMultiplexer multiplexer)
    {
        try
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // it was broken already
        }
        finally
        {
            await multiplexer.DisposeAsync();
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        Log.Connecting(_logger, Name, _configuration.EndPoints, _configuration.ServiceName ?? "-");
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration.Clone());
        multiplexer.ConnectionFailed += (_, e) => Log.ConnectionFailed(_logger, Name, e.EndPoint, e.FailureType, e.Exception);
        multiplexer.ConnectionRestored += (_, e) =>
        {
            Log.ConnectionRestored(_logger, Name, e.EndPoint);
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
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Connecting to Redis shard {Shard} at {Endpoints} (Sentinel service {Service})")]
        public static partial void Connecting(ILogger logger, string shard, IEnumerable<System.Net.EndPoint> endpoints, string service);

        [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Redis shard {Shard}: connection to {Endpoint} failed ({FailureType})")]
        public static partial void ConnectionFailed(ILogger logger, string shard, System.Net.EndPoint? endpoint, ConnectionFailureType failureType, Exception? exception);

        [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Redis shard {Shard}: connection to {Endpoint} restored")]
        public static partial void ConnectionRestored(ILogger logger, string shard, System.Net.EndPoint? endpoint);

        [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Redis Cluster detected: using sharded pub/sub (SSUBSCRIBE/SPUBLISH)")]
        public static partial void ClusterMode(ILogger logger);

        [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Redis shard {Shard}: replacing the connection (subscriptions move to the new one)")]
        public static partial void Reconnecting(ILogger logger, string shard);

        [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Redis shard {Shard}: a subscription could not be moved to the new connection yet")]
        public static partial void ResubscribeFailed(ILogger logger, string shard, Exception exception);
    }
}
