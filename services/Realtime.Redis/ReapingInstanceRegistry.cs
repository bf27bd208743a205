using Microsoft.Extensions.Options;
using Realtime.Core.Events;
using Realtime.Core.Instances;
using Realtime.Core.Options;

namespace Realtime.Redis;

/// <summary>
/// The instance registry as every service sees it: removing another instance's entry (the
/// operator or the dispatcher cleaning up a dead edge) also produces the <c>edge_lost</c> events
/// of the connections it still held, exactly once per connection (<see cref="IEventLog.ReapEdgeAsync"/>).
/// An instance removing itself is draining, not lost: its connections report their own ends.
/// </summary>
public sealed class ReapingInstanceRegistry(RedisInstanceRegistry inner, IEventLog events, IOptions<RealtimeOptions> realtime) : IInstanceRegistry
{
    public Task HeartbeatAsync(string serverId, int connections, CancellationToken cancellationToken = default) =>
        inner.HeartbeatAsync(serverId, connections, cancellationToken);

    public async Task RemoveAsync(string serverId, CancellationToken cancellationToken = default)
    {
        await inner.RemoveAsync(serverId, cancellationToken);
        if (!string.Equals(serverId, realtime.Value.ServerId, StringComparison.Ordinal))
        {
            await events.ReapEdgeAsync(serverId, cancellationToken);
        }
    }

    public Task<IReadOnlyList<InstanceInfo>> ListAsync(TimeSpan maxAge, CancellationToken cancellationToken = default) =>
        inner.ListAsync(maxAge, cancellationToken);
}
