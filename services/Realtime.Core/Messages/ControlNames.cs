namespace Realtime.Core.Messages;

/// <summary>The values of <see cref="Envelope.Control"/>: bus messages that instruct edges instead of reaching clients.</summary>
public static class ControlNames
{
    /// <summary>Close every connection of the user whose channel carries it; the data is the close reason.</summary>
    public const string Disconnect = "disconnect";

    /// <summary>A presence notice for the channel's members; the data is the client frame (<c>join</c> / <c>leave</c>), delivered as is.</summary>
    public const string Presence = "presence";
}
