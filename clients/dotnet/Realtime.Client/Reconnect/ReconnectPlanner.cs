using Realtime.Client.Internal;

namespace Realtime.Client.Reconnect;

/// <summary>
/// Decides, after each connection, whether and when to connect again: the close-code table
/// (<see cref="RealtimeCloseCodes.Decide"/>), full-jitter backoff over consecutive failures (reset by a
/// welcome) and the edge's <c>reconnect</c> hint. Used by the client's loop only.
/// </summary>
internal sealed class ReconnectPlanner(BackoffPolicy backoff, bool canRenewToken)
{
    private int _failures;

    /// <summary>The action for <paramref name="outcome"/> and, unless it is <see cref="ReconnectAction.Stop"/>, the delay before the next attempt.</summary>
    public (ReconnectAction Action, TimeSpan Delay) Plan(ConnectionOutcome outcome)
    {
        if (outcome.Welcomed)
        {
            _failures = 0;
        }

        var action = RealtimeCloseCodes.Decide(outcome.CloseCode, canRenewToken);
        if (action == ReconnectAction.Stop)
        {
            return (action, TimeSpan.Zero);
        }

        var hint = TimeSpan.FromMilliseconds(Math.Max(0, outcome.ReconnectAfterMs ?? 0));
        var delay = action == ReconnectAction.Immediate && outcome.Welcomed
            ? hint
            : Max(backoff.NextDelay(_failures), hint);
        _failures++;
        return (action, delay);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
