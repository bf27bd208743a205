using System.Collections.Concurrent;

namespace Realtime.Core.Instances;

/// <summary>The single-process registry; like the Redis one, listing prunes entries older than the max age.</summary>
public sealed class InMemoryInstanceRegistry(TimeProvider time) : IInstanceRegistry
{
    private readonly ConcurrentDictionary<string, InstanceInfo> _instances = new(StringComparer.Ordinal);

    public Task HeartbeatAsync(string serverId, int connections, CancellationToken cancellationToken = default)
    {
        _instances[serverId] = new InstanceInfo(serverId, connections, time.GetUtcNow().ToUnixTimeMilliseconds());
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string serverId, CancellationToken cancellationToken = default)
    {
        _instances.TryRemove(serverId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<InstanceInfo>> ListAsync(TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)maxAge.TotalMilliseconds;
        foreach (var stale in _instances.Values.Where(i => i.LastSeenMs < cutoff).ToList())
        {
            _instances.TryRemove(new KeyValuePair<string, InstanceInfo>(stale.ServerId, stale)); // pruned on list, as in Redis
        }

        IReadOnlyList<InstanceInfo> live = [.. _instances.Values.Where(i => i.LastSeenMs >= cutoff).OrderBy(i => i.ServerId, StringComparer.Ordinal)];
        return Task.FromResult(live);
    }
}
