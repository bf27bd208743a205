namespace Realtime.Core.Events;

/// <summary>The lifecycle event types, as written to the event stream and sent to consumers.</summary>
public static class EventTypes
{
    public const string Connected = "connected";
    public const string Disconnected = "disconnected";
    public const string Subscribed = "subscribed";
    public const string Unsubscribed = "unsubscribed";
    public const string ChannelOccupied = "channel_occupied";
    public const string ChannelVacated = "channel_vacated";
    public const string PresenceJoin = "presence_join";
    public const string PresenceLeave = "presence_leave";

    public static IReadOnlyList<string> All { get; } =
        [Connected, Disconnected, Subscribed, Unsubscribed, ChannelOccupied, ChannelVacated, PresenceJoin, PresenceLeave];

    /// <summary>Channel events are numbered per channel; every other event per user.</summary>
    public static bool IsChannelScoped(string type) => type is ChannelOccupied or ChannelVacated;
}
