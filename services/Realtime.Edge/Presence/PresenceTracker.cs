using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Options;
using Realtime.Core.Presence;
using Realtime.Edge.Connections;

namespace Realtime.Edge.Presence;

/// <summary>
/// This edge's share of presence: adds a connection to a channel's presence when it joins,
/// removes it when it leaves, and refreshes everything it holds so that entries of a crashed
/// edge expire. Presence failures are logged and never fail a subscribe.
/// </summary>
internal sealed partial class PresenceTracker(IPresenceStore store, IOptions<PresenceOptions> options, IOptions<RealtimeOptions> realtime, ILogger<PresenceTracker> logger)
{
    private readonly ConcurrentDictionary<(ChannelName Channel, string Connection), PresenceEntry> _local = new();

    public TimeSpan Ttl => TimeSpan.FromSeconds(options.Value.TtlSeconds);

    public int Count => _local.Count;

    public async Task JoinedAsync(Connection connection, ChannelName channel, CancellationToken cancellationToken)
    {
        if (!options.Value.Tracks(channel))
        {
            return;
        }

        var entry = new PresenceEntry(connection.Id, connection.Identity.UserId, realtime.Value.ServerId);
        if (!_local.TryAdd((channel, connection.Id), entry))
        {
            return; // already written (the user channel's entry doubles as the per-user connection count)
        }

        try
        {
            await store.AddAsync([(channel, entry)], Ttl, cancellationToken);
        }
        catch (Exception ex) when (ex is BusUnavailableException or OperationCanceledException)
        {
            Log.PresenceFailed(logger, ex);
        }
    }

    /// <summary>
    /// The presence key that counts a user's connections across the cluster: the user channel's
    /// presence when it is tracked (one write serves both), else a key clients cannot name.
    /// </summary>
    public ChannelName ConnectionsOf(string userId)
    {
        var user = ChannelName.User(userId);
        return options.Value.Tracks(user) ? user : ChannelName.UserConnections(userId);
    }

    /// <summary>
    /// Counts the connection against its user's cluster-wide limit; false when the user already
    /// holds <paramref name="cap"/> connections. Fails open (true) when the broker is unreachable.
    /// </summary>
    public async Task<bool> TryRegisterConnectionAsync(Connection connection, int cap, CancellationToken cancellationToken)
    {
        if (cap <= 0)
        {
            return true;
        }

        var key = ConnectionsOf(connection.Identity.UserId);
        var entry = new PresenceEntry(connection.Id, connection.Identity.UserId, realtime.Value.ServerId);
        _local[(key, connection.Id)] = entry;
        try
        {
            if (await store.TryAddAsync(key, entry, Ttl, cap, cancellationToken))
            {
                return true;
            }

            _local.TryRemove((key, connection.Id), out _);
            return false;
        }
        catch (BusUnavailableException ex)
        {
            Log.PresenceFailed(logger, ex);
            return true;
        }
    }

    public async Task LeftAsync(Connection connection, ChannelName channel)
    {
        if (!_local.TryRemove((channel, connection.Id), out _))
        {
            return;
        }

        try
        {
            await store.RemoveAsync(channel, connection.Id);
        }
        catch (Exception ex)
        {
            Log.PresenceFailed(logger, ex); // the entry expires after the TTL
        }
    }

    /// <summary>
    /// Extends every entry this edge holds (called every third of the TTL); it also restores
    /// entries Redis lost. An entry whose connection left while the refresh was being written
    /// (its removal may have run before the write) is removed again afterwards, so a refresh
    /// never resurrects what left after its snapshot.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var entries = _local.Select(kv => (kv.Key.Channel, kv.Value)).ToList();
        if (entries.Count == 0)
        {
            return;
        }

        await store.AddAsync(entries, Ttl, cancellationToken);
        foreach (var (channel, entry) in entries)
        {
            if (!_local.ContainsKey((channel, entry.ConnectionId)))
            {
                try
                {
                    await store.RemoveAsync(channel, entry.ConnectionId, cancellationToken);
                }
                catch (BusUnavailableException ex)
                {
                    Log.PresenceFailed(logger, ex); // the entry expires after the TTL
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 250, Level = LogLevel.Warning, Message = "Presence update failed; it is retried by the next refresh")]
        public static partial void PresenceFailed(ILogger logger, Exception exception);
    }
}
