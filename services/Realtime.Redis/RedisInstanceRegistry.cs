using Realtime.Core.Bus;
using Realtime.Core.Instances;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>Instance registry: a sorted set of SERVER_ID by last heartbeat (ms) and a hash of connection counts.</summary>
public sealed class RedisInstanceRegistry(RedisConnection connection, TimeProvider time) : IInstanceRegistry
{
    public async Task HeartbeatAsync(string serverId, int connections, CancellationToken cancellationToken = default)
    {
        var db = await GetDatabaseAsync(cancellationToken);
        var batch = db.CreateBatch();
        var a = batch.SortedSetAddAsync(connection.Channels.Instances, serverId, time.GetUtcNow().ToUnixTimeMilliseconds());
        var b = batch.HashSetAsync(connection.Channels.InstanceConnections, serverId, connections);
        batch.Execute();
        await Task.WhenAll(a, b).WaitAsync(connection.OperationTimeout, cancellationToken);
    }

    public async Task RemoveAsync(string serverId, CancellationToken cancellationToken = default)
    {
        var db = await GetDatabaseAsync(cancellationToken);
        await db.SortedSetRemoveAsync(connection.Channels.Instances, serverId).WaitAsync(connection.OperationTimeout, cancellationToken);
        await db.HashDeleteAsync(connection.Channels.InstanceConnections, serverId).WaitAsync(connection.OperationTimeout, cancellationToken);
    }

    public async Task<IReadOnlyList<InstanceInfo>> ListAsync(TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        var db = await GetDatabaseAsync(cancellationToken);
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

    private async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await connection.GetAsync().WaitAsync(connection.OperationTimeout, cancellationToken)).GetDatabase();
        }
        catch (Exception ex) when (ex is RedisConnectionException or TimeoutException)
        {
            throw new BusUnavailableException("Redis is not reachable: " + ex.Message, ex);
        }
    }
}
