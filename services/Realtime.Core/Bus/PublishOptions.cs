using Realtime.Core.History;

namespace Realtime.Core.Bus;

/// <summary>
/// How a broker treats one publish, decided by the caller from the channel's namespace policy
/// (<see cref="Options.HistoryOptions.PublishOptionsFor"/>) so that no broker derives it again:
/// the history to keep, how long an idempotency key is remembered, and how long the channel's
/// epoch and top offset outlive its last publish.
/// </summary>
public readonly record struct PublishOptions(HistoryPolicy History, TimeSpan IdempotencyWindow, TimeSpan MetaTtl)
{
    /// <summary>No history, no idempotency: control messages.</summary>
    public static PublishOptions Ephemeral { get; } = new(HistoryPolicy.None, TimeSpan.Zero, TimeSpan.FromDays(7));
}
