using Microsoft.Extensions.Logging;

namespace Realtime.Client.Internal;

/// <summary>
/// Aborts a connection's socket when the welcome is late (<see cref="RealtimeClientOptions.ConnectTimeout"/>)
/// or nothing arrives for <see cref="RealtimeClientOptions.LivenessIntervals"/> × <c>ping_interval_ms</c>
/// (paused while the receive loop waits for room in a full subscription queue).
/// </summary>
internal static class LivenessWatchdog
{
    public static async Task WatchAsync(EdgeConnection connection, RealtimeClientOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var interval = connection.Welcomed && connection.PingIntervalMs > 0 ? Math.Clamp(connection.PingIntervalMs / 4, 50, 1000) : 100;
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                if (DeadReason(connection, options) is { } reason)
                {
                    ClientLog.Dead(logger, reason);
                    connection.DeadReason = reason;
                    connection.Socket.Abort();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Connection over.
        }
    }

    private static string? DeadReason(EdgeConnection connection, RealtimeClientOptions options)
    {
        if (!connection.Welcomed)
        {
            return connection.MillisecondsSinceLastReceive > options.ConnectTimeout.TotalMilliseconds
                ? "no welcome within " + options.ConnectTimeout
                : null;
        }

        return connection.PingIntervalMs > 0 && !connection.Delivering
            && connection.MillisecondsSinceLastReceive > connection.PingIntervalMs * options.LivenessIntervals
            ? $"nothing received for {connection.MillisecondsSinceLastReceive} ms (ping interval {connection.PingIntervalMs} ms)"
            : null;
    }
}
