namespace Realtime.Client.Reconnect;

/// <summary>The SDK's reaction to the end of a connection.</summary>
public enum ReconnectAction
{
    /// <summary>Reconnect after an exponential backoff with full jitter (1011, 4008, network errors, HTTP 503).</summary>
    Backoff,

    /// <summary>Reconnect at once, after the server's <c>reconnect</c> hint if any (1012).</summary>
    Immediate,

    /// <summary>Ask the token provider for a new token, then reconnect with backoff (4001, 4002).</summary>
    RenewToken,

    /// <summary>Do not reconnect (1000, 1003, 1008, 1009, 4009, and 4001/4002 with a fixed token).</summary>
    Stop,
}
