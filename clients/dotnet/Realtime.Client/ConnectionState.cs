namespace Realtime.Client;

/// <summary>Where a <see cref="RealtimeClient"/> is in its lifecycle.</summary>
public enum ConnectionState
{
    /// <summary>Created; <see cref="RealtimeClient.ConnectAsync"/> not called yet.</summary>
    Disconnected,

    /// <summary>First connection attempt(s), before the first <c>welcome</c>.</summary>
    Connecting,

    /// <summary>Connected: the edge sent <c>welcome</c>; <see cref="RealtimeClient.ServerId"/> names the edge.</summary>
    Connected,

    /// <summary>The connection was lost; the client is waiting (backoff) or connecting again.</summary>
    Reconnecting,

    /// <summary>Terminal: closed by the application or by a close code that must not be retried.</summary>
    Closed,
}
