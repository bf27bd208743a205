using Realtime.Core.Bus;
using Realtime.Core.Presence;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// Presence in Redis: per channel a hash of connection id → "user\tserver" and a sorted set of
/// expiries (server time), both under the channel's hash tag. Reads prune expired entries.
/// </summary>
public sealed class RedisPresenceStore(RedisConnection connection) : IPresenceStore
{
    public async Task AddAsync(IReadOnlyCollection<(string Channel, PresenceEntry Entry)> entries, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        var db = await GetDatabaseAsync(cancellationToken);
        var calls = entries.GroupBy(e => e.Channel, StringComparer.Ordinal).SelectMany(group => group.Chunk(200).Select(chunk =>
        {
            var args = new List<RedisValue>(1 + (chunk.Length * 2)) { (long)ttl.TotalMilliseconds };
            foreach (var (_, entry) in chunk)
            {
                args.Add(entry.ConnectionId);
                args.Add($"{entry.UserId}\t{entry.ServerId}");
            }

            return db.ScriptEvaluateAsync(RedisScripts.PresenceAdd, [connection.Channels.Presence(group.Key), connection.Channels.PresenceExpiry(group.Key)], [.. args]);
        })).ToList();
        await Guard(Task.WhenAll(calls), cancellationToken);
    }

    public async Task RemoveAsync(string channel, string connectionId, CancellationToken cancellationToken = default)
    {
        var db = await GetDatabaseAsync(cancellationToken);
        var batch = db.CreateBatch();
        var a = batch.HashDeleteAsync(connection.Channels.Presence(channel), connectionId);
        var b = batch.SortedSetRemoveAsync(connection.Channels.PresenceExpiry(channel), connectionId);
        batch.Execute();
        await Guard(Task.WhenAll(a, b), cancellationToken);
    }

    public async Task<IReadOnlyList<PresenceEntry>> GetAsync(string channel, CancellationToken cancellationToken = default)
    {
        var db = await GetDatabaseAsync(cancellationToken);
        var result = await Guard(db.ScriptEvaluateAsync(RedisScripts.PresenceGet, [connection.Channels.Presence(channel), connection.Channels.PresenceExpiry(channel)]), cancellationToken);
        var flat = (RedisResult[])result!;
        var entries = new List<PresenceEntry>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            var value = ((string?)flat[i + 1] ?? string.Empty).Split('\t', 2);
            entries.Add(new PresenceEntry((string)flat[i]!, value[0], value.Length > 1 ? value[1] : string.Empty));
        }

        return [.. entries.OrderBy(e => e.UserId, StringComparer.Ordinal).ThenBy(e => e.ConnectionId, StringComparer.Ordinal)];
    }

    private async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken) =>
        (await Guard(connection.GetAsync(), cancellationToken)).GetDatabase();

    private async Task<T> Guard<T>(Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(connection.OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or TimeoutException)
        {
            throw new BusUnavailableException("Redis is not reachable: " + ex.Message, ex);
        }
    }

    private async Task Guard(Task task, CancellationToken cancellationToken) => await Guard(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), cancellationToken);
}
