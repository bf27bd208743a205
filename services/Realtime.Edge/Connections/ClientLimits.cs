using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Realtime.Edge.Hosting;

namespace Realtime.Edge.Connections;

/// <summary>
/// Per-connection rate limits (token buckets, one partition per connection; a partition exists
/// only while its connection is active and is dropped after it has been idle and full for a while):
/// commands per second, strikes (malformed commands and commands over the rate) per minute, and
/// history bytes a connection may pull through recovery per minute.
/// </summary>
internal sealed class ClientLimits : IDisposable
{
    private readonly PartitionedRateLimiter<Connection> _commands;
    private readonly PartitionedRateLimiter<Connection> _strikes;
    private readonly PartitionedRateLimiter<Connection> _historyKiB;

    public ClientLimits(IOptions<EdgeOptions> options)
    {
        var o = options.Value;
        _commands = Bucket(o.CommandBurst, o.CommandsPerSecond, TimeSpan.FromSeconds(1));
        _strikes = Bucket(o.StrikesPerMinute, 1, TimeSpan.FromMinutes(1) / o.StrikesPerMinute);
        var kib = (int)Math.Min(int.MaxValue, Math.Max(1, o.HistoryBytesPerMinute / 1024));
        _historyKiB = Bucket(kib, Math.Max(1, kib / 60), TimeSpan.FromSeconds(1));
    }

    /// <summary>Takes one command token; false when the connection is over its command rate.</summary>
    public bool TryCommand(Connection connection) => Take(_commands, connection, 1);

    /// <summary>Records a strike; false when the connection has used up its strikes and must be closed.</summary>
    public bool TryStrike(Connection connection) => Take(_strikes, connection, 1);

    /// <summary>True while the connection may still pull history this minute.</summary>
    public bool HasHistoryBudget(Connection connection) => (_historyKiB.GetStatistics(connection)?.CurrentAvailablePermits ?? 1) > 0;

    /// <summary>Charges history bytes read for the connection (a page may overshoot what is left; the rest is then zero).</summary>
    public void ChargeHistory(Connection connection, long bytes)
    {
        var kib = (int)Math.Min(int.MaxValue, (bytes + 1023) / 1024);
        var available = (int)Math.Min(int.MaxValue, _historyKiB.GetStatistics(connection)?.CurrentAvailablePermits ?? 0);
        var charge = Math.Min(kib, available);
        if (charge > 0)
        {
            using var lease = _historyKiB.AttemptAcquire(connection, charge);
        }
    }

    public void Dispose()
    {
        _commands.Dispose();
        _strikes.Dispose();
        _historyKiB.Dispose();
    }

    private static bool Take(PartitionedRateLimiter<Connection> limiter, Connection connection, int permits)
    {
        using var lease = limiter.AttemptAcquire(connection, permits);
        return lease.IsAcquired;
    }

    private static PartitionedRateLimiter<Connection> Bucket(int limit, int perPeriod, TimeSpan period) =>
        PartitionedRateLimiter.Create<Connection, string>(connection => RateLimitPartition.GetTokenBucketLimiter(connection.Id, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            TokensPerPeriod = Math.Min(limit, perPeriod),
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = false, // the partitioned limiter's own timer replenishes every partition
        }));
}
