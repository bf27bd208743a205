namespace Realtime.Core.Instances;

/// <summary>Registry of live edge instances, refreshed by each edge's heartbeat.</summary>
public interface IInstanceRegistry
{
    Task HeartbeatAsync(string serverId, int connections, CancellationToken cancellationToken = default);

    Task RemoveAsync(string serverId, CancellationToken cancellationToken = default);

    /// <summary>Instances whose last heartbeat is younger than <paramref name="maxAge"/>; older entries are pruned.</summary>
    Task<IReadOnlyList<InstanceInfo>> ListAsync(TimeSpan maxAge, CancellationToken cancellationToken = default);
}
