namespace Realtime.Client;

/// <summary>A subscription was restored on a new connection (after a reconnect).</summary>
public sealed class SubscriptionRecoveredEventArgs(string channel, bool complete, string? epoch, ulong offset) : EventArgs
{
    public string Channel { get; } = channel;

    /// <summary>
    /// True when every message missed while disconnected was replayed (no gap). False when the
    /// channel keeps no history, its epoch changed or the gap is older than the retained history:
    /// refetch state.
    /// </summary>
    public bool Complete { get; } = complete;

    public string? Epoch { get; } = epoch;

    /// <summary>The last offset handed to the application so far.</summary>
    public ulong Offset { get; } = offset;
}
