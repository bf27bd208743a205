namespace Realtime.Client.Internal;

/// <summary>How one connection attempt ended: whether it got a welcome, the close code and reason (null: no close frame), the edge's reconnect hint, the transport error.</summary>
internal sealed record ConnectionOutcome(bool Welcomed, int? CloseCode, string? CloseReason, int? ReconnectAfterMs, Exception? Error)
{
    public static ConnectionOutcome Failed(Exception error) => new(false, null, null, null, error);
}
