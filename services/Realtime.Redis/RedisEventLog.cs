using System.Globalization;
using Microsoft.Extensions.Options;
using Realtime.Core.Events;
using Realtime.Core.Options;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// The lifecycle event log in Redis: one stream, appended by scripts that also keep the tracking
/// (edge → connections → channels, channel counters) and assign the sequence numbers atomically.
/// </summary>
public sealed class RedisEventLog(RedisConnection connection, IOptions<EventsOptions> options) : IEventLog
{
    private readonly RedisEventKeys _keys = new(connection.Channels.Prefix);

    public RedisEventKeys Keys => _keys;

    public Task ConnectedAsync(string server, string connection, string user, CancellationToken cancellationToken = default) =>
        RunAsync(RedisEventScripts.Connect, [server, connection, user], cancellationToken);

    public Task SubscribedAsync(string server, string connection, string user, string channel, CancellationToken cancellationToken = default) =>
        RunAsync(RedisEventScripts.Join, [server, connection, user, channel], cancellationToken);

    public Task UnsubscribedAsync(string server, string connection, string user, string channel, string reason, CancellationToken cancellationToken = default) =>
        RunAsync(RedisEventScripts.Leave, [server, connection, user, channel, reason], cancellationToken);

    public async Task<bool> DisconnectedAsync(string server, string connection, string reason, int code, CancellationToken cancellationToken = default) =>
        await RunAsync(RedisEventScripts.Disconnect, [server, connection, reason, code], cancellationToken) == 1;

    public Task MarkAliveAsync(string server, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(db => db.StringSetAsync(_keys.Alive(server), 1, ttl), cancellationToken);

    public Task ClearAliveAsync(string server, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(db => db.KeyDeleteAsync(_keys.Alive(server)), cancellationToken);

    public async Task<IReadOnlyList<string>> TrackedServersAsync(CancellationToken cancellationToken = default)
    {
        var members = await connection.RunOnDatabaseAsync(db => db.SetMembersAsync(_keys.Edges), cancellationToken);
        return [.. members.Select(m => (string)m!).Order(StringComparer.Ordinal)];
    }

    public Task<bool> IsAliveAsync(string server, CancellationToken cancellationToken = default) =>
        connection.RunOnDatabaseAsync(db => db.KeyExistsAsync(_keys.Alive(server)), cancellationToken);

    public async Task<int> ReapEdgeAsync(string server, CancellationToken cancellationToken = default)
    {
        var emitted = 0;

        // Bounded: each pass removes what it reads; a live edge adding connections meanwhile is not
        // reaped (callers only reap edges that are gone), so a handful of passes empties it.
        for (var pass = 0; pass < 100; pass++)
        {
            var connections = await connection.RunOnDatabaseAsync(db => db.HashKeysAsync(_keys.Edge(server)), cancellationToken);
            if (connections.Length == 0)
            {
                break;
            }

            foreach (var chunk in connections.Chunk(256))
            {
                var results = await Task.WhenAll(chunk.Select(c => DisconnectedAsync(server, (string)c!, DisconnectReasons.EdgeLost, 0, cancellationToken)));
                emitted += results.Count(r => r);
            }
        }

        await connection.RunOnDatabaseAsync(db => db.SetRemoveAsync(_keys.Edges, server), cancellationToken);
        return emitted;
    }

    public async Task<EventPage> ReadAsync(string cursor, int count, CancellationToken cancellationToken = default)
    {
        var start = string.IsNullOrEmpty(cursor) || cursor is "0" or "0-0" ? "-" : "(" + cursor;
        var entries = await connection.RunOnDatabaseAsync(db => db.StreamRangeAsync(_keys.Stream, start, "+", Math.Max(1, count)), cancellationToken);
        var events = entries.Select(Parse).ToList();
        return new EventPage(events, events.Count > 0 ? events[^1].Id : (string.IsNullOrEmpty(cursor) ? "0-0" : cursor));
    }

    public async Task<bool> IsTrimmedAfterAsync(string cursor, CancellationToken cancellationToken = default)
    {
        // The cursor's own event is gone when the oldest retained one is newer: what followed it may
        // have been trimmed too, so a resume could skip events.
        var oldest = await connection.RunOnDatabaseAsync(db => db.StreamRangeAsync(_keys.Stream, "-", "+", 1), cancellationToken);
        return oldest.Length == 1 && CompareIds((string)oldest[0].Id!, cursor) > 0;
    }

    private static int CompareIds(string a, string b)
    {
        static (ulong Ms, ulong Seq) Split(string id)
        {
            var dash = id.IndexOf('-', StringComparison.Ordinal);
            return dash < 0
                ? (ulong.Parse(id, System.Globalization.CultureInfo.InvariantCulture), 0)
                : (ulong.Parse(id.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(id.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture));
        }

        return Split(a).CompareTo(Split(b));
    }

    public async Task<string> LatestCursorAsync(CancellationToken cancellationToken = default)
    {
        var last = await connection.RunOnDatabaseAsync(db => db.StreamRangeAsync(_keys.Stream, "-", "+", 1, Order.Descending), cancellationToken);
        return last.Length == 0 ? "0-0" : (string)last[0].Id!;
    }

    public async Task<ChannelOccupancy> GetOccupancyAsync(string channel, CancellationToken cancellationToken = default)
    {
        var (clients, users) = await connection.RunOnDatabaseAsync(async db =>
        {
            var c = db.HashGetAsync(_keys.Clients, channel);
            var u = db.HashLengthAsync(_keys.Users(channel));
            return ((long?)await c ?? 0, await u);
        }, cancellationToken);
        return new ChannelOccupancy(clients, users);
    }

    public async Task<IReadOnlyList<UserConnection>> GetUserConnectionsAsync(string user, CancellationToken cancellationToken = default)
    {
        return await connection.RunOnDatabaseAsync(async db =>
        {
            var entries = await db.HashGetAllAsync(_keys.User(user));
            var result = new List<UserConnection>(entries.Length);
            foreach (var entry in entries.OrderBy(e => (string)e.Name!, StringComparer.Ordinal))
            {
                var channels = await db.SetMembersAsync(_keys.Connection((string)entry.Name!));
                result.Add(new UserConnection((string)entry.Name!, (string)entry.Value!, [.. channels.Select(c => (string)c!).Order(StringComparer.Ordinal)]));
            }

            return (IReadOnlyList<UserConnection>)result;
        }, cancellationToken);
    }

    /// <summary>Turns a stream entry into an event (also used for the dead-letter stream, whose entries keep the original id in <c>id</c>).</summary>
    public static LifecycleEvent Parse(StreamEntry entry)
    {
        string Get(string name)
        {
            foreach (var value in entry.Values)
            {
                if (value.Name == name)
                {
                    return (string?)value.Value ?? string.Empty;
                }
            }

            return string.Empty;
        }

        static long Number(string text) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var id = Get("id");
        return new LifecycleEvent(
            id.Length > 0 ? id : (string)entry.Id!,
            Get("type"),
            Get("server"),
            Get("user"),
            Get("conn"),
            Get("channel"),
            Get("reason"),
            (int)Number(Get("code")),
            Number(Get("time")),
            Number(Get("seq")));
    }

    private async Task<long> RunAsync(string script, RedisValue[] args, CancellationToken cancellationToken)
    {
        RedisValue[] all = [options.Value.MaxLength, .. args];
        var result = await connection.RunOnDatabaseAsync(db => db.ScriptEvaluateAsync(script, [_keys.Stream], all), cancellationToken);
        return (long)result;
    }
}
