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

    /// <summary>
    /// Where members are told of each other: each entry is a channel namespace (<c>room</c>) or a
    /// channel glob (<c>room:game-*</c>); members of a matching channel get <c>join</c> / <c>leave</c>
    /// frames when a connection subscribes or leaves. Empty = nowhere (opt-in).
    /// </summary>
    public string[] NotifyNamespaces { get; set; } = [];

    /// <summary>True when members of <paramref name="channel"/> get join/leave frames.</summary>
    public bool Notifies(ChannelName channel)
    {
        foreach (var entry in NotifyNamespaces)
        {
            if (entry.Contains(':', StringComparison.Ordinal) || entry.Contains('*', StringComparison.Ordinal)
                ? GlobPattern.IsMatch(entry, channel.Value)
                : channel.Value.StartsWith(entry + ":", StringComparison.Ordinal) || channel.Value == entry)
            {
                return true;
            }
        }

        return false;
    }

    public bool Tracks(ChannelName channel) => channel.Kind switch
    {
        ChannelKind.Room => Rooms,
        ChannelKind.User => Users,
        _ => false,
    };
}
