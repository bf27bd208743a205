namespace Realtime.Edge.Events;

/// <summary>One thing the sink writes: a connection opened, joined or left a channel, or ended.</summary>
internal sealed record EventAction(EventActionKind Kind, string Connection, string User, string Channel = "", string Reason = "", int Code = 0);

internal enum EventActionKind
{
    Connected,
    Subscribed,
    Unsubscribed,
    Disconnected,
}
