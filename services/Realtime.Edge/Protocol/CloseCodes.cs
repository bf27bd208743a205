using System.Net.WebSockets;

namespace Realtime.Edge.Protocol;

/// <summary>
/// Every close code the edge sends. The README's close-code table and every SDK follow this.
/// </summary>
internal static class CloseCodes
{
    /// <summary>1003: the client sent a binary frame; the protocol is JSON text. Do not reconnect.</summary>
    public const WebSocketCloseStatus UnsupportedData = WebSocketCloseStatus.InvalidMessageType;

    /// <summary>1008: repeated malformed commands. Do not reconnect without a fix.</summary>
    public const WebSocketCloseStatus PolicyViolation = WebSocketCloseStatus.PolicyViolation;

    /// <summary>1009: a client message exceeded the size limit.</summary>
    public const WebSocketCloseStatus MessageTooBig = WebSocketCloseStatus.MessageTooBig;

    /// <summary>1011: unexpected server error. Reconnect with backoff.</summary>
    public const WebSocketCloseStatus InternalError = WebSocketCloseStatus.InternalServerError;

    /// <summary>1012: the edge is restarting or draining. Reconnect (elsewhere) after the hinted delay.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    /// <summary>4001: missing or invalid token. Do not reconnect with the same token.</summary>
    public const WebSocketCloseStatus Unauthorized = (WebSocketCloseStatus)4001;

    /// <summary>4002: the token expired. Fetch a new token, then reconnect.</summary>
    public const WebSocketCloseStatus TokenExpired = (WebSocketCloseStatus)4002;

    /// <summary>4008: the client did not read fast enough (send queue full). Reconnect with backoff and recover.</summary>
    public const WebSocketCloseStatus SlowConsumer = (WebSocketCloseStatus)4008;

    /// <summary>4029: too many requests (commands over the rate limit again and again), or the user already holds the maximum number of connections. Reconnect with backoff.</summary>
    public const WebSocketCloseStatus TooManyRequests = (WebSocketCloseStatus)4029;

    /// <summary>4009: the server disconnected this connection on request of the backend. Do not reconnect automatically.</summary>
    public const WebSocketCloseStatus Disconnected = (WebSocketCloseStatus)4009;
}
