namespace Realtime.Core.Events;

/// <summary>Why a connection ended (the <c>reason</c> of a <c>disconnected</c> event).</summary>
public static class DisconnectReasons
{
    /// <summary>The client closed the socket (or it went away).</summary>
    public const string ClientClose = "client_close";

    /// <summary>The edge closed it; the close code is in the event.</summary>
    public const string ServerClose = "server_close";

    public const string TokenExpired = "token_expired";

    public const string SlowConsumer = "slow_consumer";

    /// <summary>The edge shut down gracefully and asked the client to reconnect elsewhere.</summary>
    public const string Drain = "drain";

    /// <summary>The edge disappeared without closing its connections; emitted by whoever cleaned its registry entry.</summary>
    public const string EdgeLost = "edge_lost";

    /// <summary>The reason of the <c>unsubscribed</c> events a disconnect produces for each channel still held.</summary>
    public const string Disconnect = "disconnect";

    /// <summary>The reason of an <c>unsubscribed</c> event the client asked for.</summary>
    public const string ClientUnsubscribe = "client";
}
