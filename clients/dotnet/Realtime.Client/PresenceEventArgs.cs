namespace Realtime.Client;

/// <summary>
/// A connection joined or left a channel (the edge's <c>join</c> / <c>leave</c> frames, sent to the
/// members of channels in presence-notifying namespaces).
/// </summary>
public sealed class PresenceEventArgs(string channel, string userId, string connectionId) : EventArgs
{
    public string Channel { get; } = channel;

    /// <summary>The user (the token's <c>sub</c>) of the connection that joined or left.</summary>
    public string UserId { get; } = userId;

    /// <summary>The connection that joined or left (one user may have several).</summary>
    public string ConnectionId { get; } = connectionId;
}
