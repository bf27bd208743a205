namespace Realtime.Core.Events;

/// <summary>
/// The durable lifecycle event log and the tracking behind it: which connections each edge holds
/// and which channels they are in, so that the events of an edge that died can be produced by
/// whoever notices (<see cref="ReapEdgeAsync"/>), exactly once per connection.
/// </summary>
public interface IEventLog
{
    /// <summary>A connection opened on <paramref name="server"/>: tracked, <c>connected</c> appended.</summary>
    Task ConnectedAsync(string server, string connection, string user, CancellationToken cancellationToken = default);

    /// <summary>The connection joined a channel: <c>subscribed</c>, and <c>channel_occupied</c> / <c>presence_join</c> when it is the first.</summary>
    Task SubscribedAsync(string server, string connection, string user, string channel, CancellationToken cancellationToken = default);

    /// <summary>The connection left a channel: <c>unsubscribed</c>, and <c>presence_leave</c> / <c>channel_vacated</c> when it was the last.</summary>
    Task UnsubscribedAsync(string server, string connection, string user, string channel, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// The connection ended: the channel events of every channel it still held, then <c>disconnected</c>.
    /// Only the first call for a connection appends anything (returns true).
    /// </summary>
    Task<bool> DisconnectedAsync(string server, string connection, string reason, int code, CancellationToken cancellationToken = default);

    /// <summary>Marks <paramref name="server"/> alive for <paramref name="ttl"/> (the sweep leaves it alone meanwhile).</summary>
    Task MarkAliveAsync(string server, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Forgets the alive mark of a server that stopped cleanly.</summary>
    Task ClearAliveAsync(string server, CancellationToken cancellationToken = default);

    /// <summary>Servers with tracked connections.</summary>
    Task<IReadOnlyList<string>> TrackedServersAsync(CancellationToken cancellationToken = default);

    /// <summary>True while the server's alive mark has not expired.</summary>
    Task<bool> IsAliveAsync(string server, CancellationToken cancellationToken = default);

    /// <summary>Emits <c>disconnected{edge_lost}</c> (and the channel events) for every connection still tracked on the server; returns how many this call emitted.</summary>
    Task<int> ReapEdgeAsync(string server, CancellationToken cancellationToken = default);

    /// <summary>Events after <paramref name="cursor"/> (exclusive; empty or "0" = from the oldest retained), at most <paramref name="count"/>.</summary>
    Task<EventPage> ReadAsync(string cursor, int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <paramref name="cursor"/>'s event is older than the oldest retained one (retention
    /// trimmed it, and possibly events after it): a watch resumed from it could miss events.
    /// </summary>
    Task<bool> IsTrimmedAfterAsync(string cursor, CancellationToken cancellationToken = default);

    /// <summary>The id of the newest event ("0-0" when none): a cursor that starts at "now".</summary>
    Task<string> LatestCursorAsync(CancellationToken cancellationToken = default);

    Task<ChannelOccupancy> GetOccupancyAsync(string channel, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<UserConnection>> GetUserConnectionsAsync(string user, CancellationToken cancellationToken = default);
}
