using Microsoft.Extensions.Options;
using Realtime.Core.Instances;
using Realtime.Core.Options;
using Realtime.Edge.Connections;
using Realtime.Edge.Presence;
using Realtime.Edge.Protocol;
using Realtime.Edge.Subscriptions;

namespace Realtime.Edge.Hosting;

/// <summary>
/// Periodic work: refreshes this edge in the instance registry, sends application pings to
/// connections, closes connections whose token has expired (4002) and samples the send-queue bytes gauge.
/// </summary>
internal sealed partial class EdgeHeartbeatService(
    ConnectionRegistry registry,
    IInstanceRegistry instances,
    PresenceTracker presence,
    CommandProcessor commands,
    DeliveryWorkers workers,
    DrainState drain,
    IOptions<EdgeOptions> options,
    IOptions<RealtimeOptions> realtime,
    TimeProvider time,
    EdgeMetrics metrics,
    ILogger<EdgeHeartbeatService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        var ping = TimeSpan.FromSeconds(options.Value.PingIntervalSeconds);
        var tick = heartbeat < ping ? heartbeat : ping;
        var lastPing = time.GetUtcNow();
        var lastHeartbeat = DateTimeOffset.MinValue;
        var presenceEvery = presence.Ttl / 3;
        var lastPresence = time.GetUtcNow();
        var registryHealthy = true;
        Log.Started(logger, realtime.Value.ServerId);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Min(1, tick.TotalSeconds)), time);
        do
        {
            var now = time.GetUtcNow();
            if (now - lastHeartbeat >= heartbeat && !drain.IsDraining)
            {
                lastHeartbeat = now;
                try
                {
                    await instances.HeartbeatAsync(realtime.Value.ServerId, registry.Count, stoppingToken);
                    if (!registryHealthy)
                    {
                        Log.HeartbeatRestored(logger);
                    }

                    registryHealthy = true;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (registryHealthy)
                    {
                        Log.HeartbeatFailed(logger, ex);
                    }

                    registryHealthy = false;
                }
            }

            if (now - lastPresence >= presenceEvery && !drain.IsDraining)
            {
                lastPresence = now;
                try
                {
                    await presence.RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.PresenceRefreshFailed(logger, ex);
                }
            }

            var sendPing = now - lastPing >= ping;
            if (sendPing)
            {
                lastPing = now;
            }

            long queued = 0;
            foreach (var connection in registry.Snapshot())
            {
                queued += connection.QueuedBytes;
                if (connection.Identity.ExpiresAt <= now)
                {
                    connection.RequestClose(CloseCodes.TokenExpired, "token expired");
                    continue;
                }

                if (connection.HasExpiredMembership(now))
                {
                    try
                    {
                        await commands.ExpireMembershipsAsync(connection, now);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Log.ExpiryFailed(logger, ex);
                    }
                }
                else if (sendPing)
                {
                    connection.TryEnqueue(Frames.Ping);
                }
            }

            metrics.SendQueueBytes.Set(queued);
            metrics.DeliveryQueueBytes.Set(workers.QueuedBytes);
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    /// <summary>False once the host stops (the timer's cancellation is the loop's normal end, not an error).</summary>
    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Edge {ServerId} heartbeat started")]
        public static partial void Started(ILogger logger, string serverId);

        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Instance registry heartbeat failed")]
        public static partial void HeartbeatFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Instance registry heartbeat restored")]
        public static partial void HeartbeatRestored(ILogger logger);

        [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "Ending an expired subscription failed")]
        public static partial void ExpiryFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Presence refresh failed")]
        public static partial void PresenceRefreshFailed(ILogger logger, Exception exception);
    }
}
