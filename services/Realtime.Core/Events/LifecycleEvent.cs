namespace Realtime.Core.Events;

/// <summary>
/// One lifecycle event as stored in the event stream. <see cref="Id"/> is its stream id (also the
/// resume cursor); <see cref="Seq"/> counts per user (per channel for channel events) so consumers
/// can order and deduplicate.
/// </summary>
public sealed record LifecycleEvent(
    string Id,
    string Type,
    string Server,
    string User,
    string Connection,
    string Channel,
    string Reason,
    int Code,
    long TimeMs,
    long Seq)
{
    /// <summary>The ordering key: the user, or the channel for channel events.</summary>
    public string OrderKey => EventTypes.IsChannelScoped(Type) ? "c:" + Channel : "u:" + User;
}
