namespace Realtime.Core.Channels;

/// <summary>The three kinds of channel a connection can be in.</summary>
public enum ChannelKind
{
    User,
    Room,
    Broadcast,
}
