using Realtime.Core.Events;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// A consumer group on the event stream (webhook delivery): several dispatchers in one group share
/// the work; an event is acknowledged once handled (delivered or dead-lettered).
/// </summary>
public sealed class RedisEventConsumer(RedisConnection connection)
{
    private readonly RedisEventKeys _keys = new(connection.Channels.Prefix);

    public RedisEventKeys Keys => _keys;

    /// <summary>Creates the group at the stream's end (events from now on) unless it exists.</summary>
    public Task EnsureGroupAsync(string group, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(async db =>
        {
            try
            {
                await db.StreamCreateConsumerGroupAsync(_keys.Stream, group, StreamPosition.NewMessages, createStream: true);
            }
            catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
            {
                // Another dispatcher created it.
            }
        }, cancellationToken);

    /// <summary>The next events for this consumer: its own unacknowledged ones first (<paramref name="pending"/>), else new ones.</summary>
    public async Task<IReadOnlyList<LifecycleEvent>> ReadAsync(string group, string consumer, int count, bool pending, CancellationToken cancellationToken = default)
    {
        var entries = await connection.RunOnDatabaseAsync(
            db => db.StreamReadGroupAsync(_keys.Stream, group, consumer, pending ? "0" : StreamPosition.NewMessages, count),
            cancellationToken);
        return [.. entries.Where(e => !e.IsNull).Select(RedisEventLog.Parse)];
    }

    /// <summary>
    /// Takes over up to <paramref name="count"/> events other consumers of <paramref name="group"/>
    /// have held unacknowledged for at least <paramref name="minIdle"/> (XAUTOCLAIM): they become
    /// this consumer's pending events, which <see cref="ReadAsync"/> with <c>pending</c> returns.
    /// </summary>
    public async Task<int> ClaimAsync(string group, string consumer, TimeSpan minIdle, int count, CancellationToken cancellationToken = default)
    {
        // XAUTOCLAIM pages through the pending list with a cursor ("0-0" again once it has gone round).
        var claimed = 0;
        RedisValue cursor = "0-0";
        do
        {
            var start = cursor;
            var page = Math.Min(1000, count - claimed);
            var result = await connection.RunOnDatabaseAsync(
                db => db.StreamAutoClaimIdsOnlyAsync(_keys.Stream, group, consumer, (long)minIdle.TotalMilliseconds, start, page),
                cancellationToken);
            claimed += result.ClaimedIds.Length;
            cursor = result.NextStartId;
        }
        while (cursor != "0-0" && claimed < count);

        return claimed;
    }

    /// <summary>
    /// Takes or renews the delivery lease of <paramref name="group"/> for <paramref name="holder"/>
    /// (SET NX PX; renewed only by its holder): true while this holder is the one that delivers.
    /// </summary>
    public Task<bool> HoldLeaseAsync(string group, string holder, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(async db =>
        {
            var key = _keys.DeliveryLease(group);
            if (await db.StringSetAsync(key, holder, ttl, When.NotExists))
            {
                return true;
            }

            return (long)await db.ScriptEvaluateAsync(RenewLeaseScript, [key], [holder, (long)ttl.TotalMilliseconds]) == 1;
        }, cancellationToken);

    /// <summary>Gives the lease up if <paramref name="holder"/> still has it, so another dispatcher takes over at once.</summary>
    public Task ReleaseLeaseAsync(string group, string holder, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(db => db.ScriptEvaluateAsync(ReleaseLeaseScript, [_keys.DeliveryLease(group)], [holder]), cancellationToken);

    private const string RenewLeaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0";

    private const string ReleaseLeaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    public Task AckAsync(string group, IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(db => db.StreamAcknowledgeAsync(_keys.Stream, group, [.. ids.Select(i => (RedisValue)i)]), cancellationToken);

    /// <summary>Appends an event that could not be delivered to the dead-letter stream (with its original id, the endpoint and the last error).</summary>
    public Task DeadLetterAsync(LifecycleEvent e, string endpoint, string error, int maxLength, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(db => db.StreamAddAsync(_keys.DeadLetters,
        [
            new NameValueEntry("id", e.Id),
            new NameValueEntry("type", e.Type),
            new NameValueEntry("server", e.Server),
            new NameValueEntry("user", e.User),
            new NameValueEntry("conn", e.Connection),
            new NameValueEntry("channel", e.Channel),
            new NameValueEntry("reason", e.Reason),
            new NameValueEntry("code", e.Code),
            new NameValueEntry("time", e.TimeMs),
            new NameValueEntry("seq", e.Seq),
            new NameValueEntry("endpoint", endpoint),
            new NameValueEntry("error", error),
        ], maxLength: maxLength, useApproximateMaxLength: true), cancellationToken);

    /// <summary>Dead-lettered events, oldest first.</summary>
    public async Task<IReadOnlyList<LifecycleEvent>> ReadDeadLettersAsync(int count, CancellationToken cancellationToken = default)
    {
        var entries = await connection.RunOnDatabaseAsync(db => db.StreamRangeAsync(_keys.DeadLetters, "-", "+", count), cancellationToken);
        return [.. entries.Select(RedisEventLog.Parse)];
    }
}
