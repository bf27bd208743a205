namespace Realtime.Core.Bus;

/// <summary>
/// The independent broker connections behind <see cref="IMessageBus"/> (one, or one per shard of
/// a sharded Redis setup), for readiness, metrics and the edge's pub/sub liveness check. Backends
/// without connections (the in-process broker) do not register it.
/// </summary>
public interface IBrokerShards
{
    /// <summary>How many shards (1 for a single Redis, Sentinel group or Cluster).</summary>
    int Count { get; }

    /// <summary>A stable label of a shard (its index), for logs, metrics and readiness.</summary>
    string NameOf(int shard);

    /// <summary>True while the shard's connection is up.</summary>
    bool IsConnected(int shard);

    /// <summary>Connects the shard if it never connected (lazy start); false when it cannot within <paramref name="timeout"/>.</summary>
    Task<bool> TryConnectAsync(int shard, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to a probe channel of this process on one shard (no history, no offsets).</summary>
    Task<IAsyncDisposable> SubscribeProbeAsync(int shard, string probe, Action<ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default);

    /// <summary>Publishes to a probe channel on one shard; returns how many subscriptions the server delivered it to.</summary>
    Task<long> PublishProbeAsync(int shard, string probe, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops and re-opens the shard's connections (a subscription that is connected but silent);
    /// <see cref="IMessageBus.SubscriptionsRestored"/> follows once they are back.
    /// </summary>
    Task ReconnectAsync(int shard, CancellationToken cancellationToken = default);
}
