using System.ComponentModel.DataAnnotations;
using Realtime.Core.Channels;

namespace Realtime.Core.Options;

/// <summary>Presence settings (section <c>Realtime:Presence</c>).</summary>
public sealed class PresenceOptions
{
    public const string Section = "Realtime:Presence";

    /// <summary>Track presence in rooms.</summary>
    public bool Rooms { get; set; } = true;

    /// <summary>Track presence in user channels (which of a user's connections are online, and where).</summary>
    public bool Users { get; set; } = true;

    /// <summary>An entry not refreshed for this long is gone (its edge died); edges refresh every third of it.</summary>
    [Range(3, 3600)]
    public int TtlSeconds { get; set; } = 60;

    public bool Tracks(ChannelName channel) => channel.Kind switch
    {
        ChannelKind.Room => Rooms,
        ChannelKind.User => Users,
        _ => false,
    };
}
