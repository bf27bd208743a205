using Realtime.Core.Instances;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>Instance registry: a sorted set of SERVER_ID by last heartbeat (ms) and a hash of connection counts.</summary>
public sealed class RedisInstanceRegistry(RedisConnection connection, TimeProvider time) : IInstanceRegistry
{
    public Task HeartbeatAsync(string serverId, int connections, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(
            db => Task.WhenAll(
                db.SortedSetAddAsync(connection.Channels.Instances, serverId, time.GetUtcNow().ToUnixTimeMilliseconds()),
                db.HashSetAsync(connection.Channels.InstanceConnections, serverId, connections)),
            cancellationToken);

    public Task RemoveAsync(string serverId, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(
            db => Task.WhenAll(
                db.SortedSetRemoveAsync(connection.Channels.Instances, serverId),
                db.HashDeleteAsync(connection.Channels.InstanceConnections, serverId)),
            cancellationToken);

    public Task<IReadOnlyList<InstanceInfo>> ListAsync(TimeSpan maxAge, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(db => ListAsync(db, maxAge), cancellationToken);

    private async Task<IReadOnlyList<InstanceInfo>> ListAsync(IDatabase db, TimeSpan maxAge)
    {
        var cutoff = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)maxAge.TotalMilliseconds;
        var stale = await db.SortedSetRangeByScoreAsync(connection.Channels.Instances, double.NegativeInfinity, cutoff, Exclude.Stop);
        if (stale.Length > 0)
        {
            await db.SortedSetRemoveAsync(connection.Channels.Instances, stale);
            await db.HashDeleteAsync(connection.Channels.InstanceConnections, stale);
        }

        var live = await db.SortedSetRangeByScoreWithScoresAsync(connection.Channels.Instances, cutoff, double.PositiveInfinity);
        var counts = await db.HashGetAllAsync(connection.Channels.InstanceConnections);
        var byId = counts.ToDictionary(e => (string)e.Name!, e => (int)e.Value, StringComparer.Ordinal);
        return [.. live.Select(e => new InstanceInfo((string)e.Element!, byId.GetValueOrDefault((string)e.Element!), (long)e.Score)).OrderBy(i => i.ServerId, StringComparer.Ordinal)];
    }
}
