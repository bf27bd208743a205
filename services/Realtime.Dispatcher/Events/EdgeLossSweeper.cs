using Microsoft.Extensions.Options;
using Realtime.Core.Events;
using Realtime.Core.Instances;
using Realtime.Core.Options;
using Realtime.Dispatcher.Hosting;

namespace Realtime.Dispatcher.Events;

/// <summary>
/// Finds edges that vanished without anyone removing them (no Kubernetes, or a SIGKILL the
/// operator has not noticed yet): an edge with tracked connections that is neither in the
/// instance registry nor refreshing its alive mark is lost, and its connections are reaped. The
/// reap is idempotent per connection (a Redis-side marker), so several dispatchers may sweep.
/// </summary>
internal sealed partial class EdgeLossSweeper(
    IServiceProvider services,
    IInstanceRegistry instances,
    IOptions<EventsOptions> options,
    IOptions<DispatcherOptions> dispatcher,
    EventMetrics metrics,
    TimeProvider time,
    ILogger<EdgeLossSweeper> logger) : BackgroundService
{
    /// <summary>One pass; returns the edges reaped.</summary>
    public async Task<IReadOnlyList<string>> SweepOnceAsync(IEventLog log, CancellationToken cancellationToken)
    {
        var tracked = await log.TrackedServersAsync(cancellationToken);
        if (tracked.Count == 0)
        {
            return [];
        }

        var live = (await instances.ListAsync(TimeSpan.FromSeconds(dispatcher.Value.EdgeTtlSeconds), cancellationToken))
            .Select(i => i.ServerId).ToHashSet(StringComparer.Ordinal);
        var reaped = new List<string>();
        foreach (var server in tracked)
        {
            if (live.Contains(server) || await log.IsAliveAsync(server, cancellationToken))
            {
                continue;
            }

            var count = await log.ReapEdgeAsync(server, cancellationToken);
            metrics.EdgesReaped.Inc();
            metrics.EdgeLost.Inc(count);
            Log.Reaped(logger, server, count);
            reaped.Add(server);
        }

        return reaped;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IEventLog>() is not { } log)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepSeconds), time);
        try
        {
            do
            {
                try
                {
                    await SweepOnceAsync(log, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.SweepFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Edge {ServerId} is lost: emitted edge_lost for {Count} connections")]
        public static partial void Reaped(ILogger logger, string serverId, int count);

        [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Edge-loss sweep failed")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
