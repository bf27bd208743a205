namespace Realtime.Client;

/// <summary>Messages of a channel with history were missed; the next message has <see cref="RealtimeMessage.AfterGap"/> set.</summary>
public sealed class SubscriptionGapEventArgs(string channel, string? epoch, ulong offset) : EventArgs
{
    public string Channel { get; } = channel;

    public string? Epoch { get; } = epoch;

    /// <summary>The last offset handed to the application when the gap was noticed.</summary>
    public ulong Offset { get; } = offset;
}
