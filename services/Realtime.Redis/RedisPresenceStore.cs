using Realtime.Core.Channels;
using Realtime.Core.Presence;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// Presence in Redis: per channel a hash of connection id → "user\tserver" and a sorted set of
/// expiries (server time), both under the channel's hash tag. Reads prune expired entries.
/// </summary>
public sealed class RedisPresenceStore(RedisShards shards) : IPresenceStore
{
    /// <summary>Adds or refreshes entries, grouped by shard (one shard being down fails only its part).</summary>
    public Task AddAsync(IReadOnlyCollection<(ChannelName Channel, PresenceEntry Entry)> entries, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (shards.Count == 1)
        {
            return AddAsync(shards.First, entries, ttl, cancellationToken);
        }

        return Task.WhenAll(entries.GroupBy(e => shards.IndexOf(e.Channel.Value)).Select(g => AddAsync(shards.All[g.Key], [.. g], ttl, cancellationToken)));
    }

    public async Task<bool> TryAddAsync(ChannelName channel, PresenceEntry entry, TimeSpan ttl, int cap, CancellationToken cancellationToken = default)
    {
        var connection = shards.For(channel);
        var result = await connection.RunOnDatabaseAsync(
            db => db.ScriptEvaluateAsync(
                RedisScripts.PresenceTryAdd,
                [connection.Channels.Presence(channel.Value), connection.Channels.PresenceExpiry(channel.Value)],
                [(long)ttl.TotalMilliseconds, entry.ConnectionId, cap, $"{entry.UserId}\t{entry.ServerId}"]),
            cancellationToken);
        return (long)result == 1;
    }

    public Task RemoveAsync(ChannelName channel, string connectionId, CancellationToken cancellationToken = default)
    {
        var connection = shards.For(channel);
        return connection.RunOnDatabaseAsync(
            db => Task.WhenAll(
                db.HashDeleteAsync(connection.Channels.Presence(channel.Value), connectionId),
                db.SortedSetRemoveAsync(connection.Channels.PresenceExpiry(channel.Value), connectionId)),
            cancellationToken);
    }

    public async Task<IReadOnlyList<PresenceEntry>> GetAsync(ChannelName channel, CancellationToken cancellationToken = default)
    {
        var connection = shards.For(channel);
        var result = await connection.RunOnDatabaseAsync(
            db => db.ScriptEvaluateAsync(RedisScripts.PresenceGet, [connection.Channels.Presence(channel.Value), connection.Channels.PresenceExpiry(channel.Value)]),
            cancellationToken);
        var flat = (RedisResult[])result!;
        var entries = new List<PresenceEntry>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            var value = ((string?)flat[i + 1] ?? string.Empty).Split('\t', 2);
            entries.Add(new PresenceEntry((string)flat[i]!, value[0], value.Length > 1 ? value[1] : string.Empty));
        }

        return [.. entries.OrderBy(e => e.UserId, StringComparer.Ordinal).ThenBy(e => e.ConnectionId, StringComparer.Ordinal)];
    }

    private static Task<RedisResult[]> AddAsync(RedisConnection connection, IReadOnlyCollection<(ChannelName Channel, PresenceEntry Entry)> entries, TimeSpan ttl, CancellationToken cancellationToken) =>
        connection.RunOnDatabaseAsync(db => Task.WhenAll(AddCalls(connection, db, entries, ttl)), cancellationToken);

    private static IEnumerable<Task<RedisResult>> AddCalls(RedisConnection connection, IDatabase db, IReadOnlyCollection<(ChannelName Channel, PresenceEntry Entry)> entries, TimeSpan ttl) =>
        entries.GroupBy(e => e.Channel).SelectMany(group => group.Chunk(200).Select(chunk =>
        {
            var args = new List<RedisValue>(1 + (chunk.Length * 2)) { (long)ttl.TotalMilliseconds };
            foreach (var (_, entry) in chunk)
            {
                args.Add(entry.ConnectionId);
                args.Add($"{entry.UserId}\t{entry.ServerId}");
            }

            return db.ScriptEvaluateAsync(RedisScripts.PresenceAdd, [connection.Channels.Presence(group.Key.Value), connection.Channels.PresenceExpiry(group.Key.Value)], [.. args]);
        }));
}
