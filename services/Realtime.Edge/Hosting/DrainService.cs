using Microsoft.Extensions.Options;
using Realtime.Core.Instances;
using Realtime.Core.Options;
using Realtime.Edge.Connections;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Hosting;

/// <summary>
/// Graceful drain on shutdown: readiness flips at once, then every connection gets a
/// <c>reconnect</c> hint and a 1012 close at a random moment inside the drain window, so
/// clients move to other edges gradually instead of all at once.
/// </summary>
internal sealed partial class DrainService(
    DrainState state,
    ConnectionRegistry registry,
    IInstanceRegistry instances,
    IOptions<EdgeOptions> options,
    IOptions<RealtimeOptions> realtime,
    TimeProvider time,
    ILogger<DrainService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!state.Begin())
        {
            return;
        }

        var window = TimeSpan.FromSeconds(options.Value.DrainSeconds);
        var connections = registry.Snapshot().ToArray();
        Log.Draining(logger, connections.Length, window.TotalSeconds);
        try
        {
            await instances.RemoveAsync(realtime.Value.ServerId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RegistryRemoveFailed(logger, ex);
        }

        var closes = connections.Select(async connection =>
        {
            var delay = window <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * window.TotalMilliseconds * 0.8);
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Shutdown timeout hit: close now.
            }

            connection.TryEnqueue(Frames.Reconnect(Random.Shared.Next(0, 2000), "draining"));
            connection.RequestClose(CloseCodes.ServiceRestart, "server restart");
        });
        await Task.WhenAll(closes);

        var deadline = time.GetUtcNow() + Connection.CloseTimeout;
        while (registry.Count > 0 && time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, CancellationToken.None);
        }

        Log.Drained(logger, registry.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Draining {Count} connections over {Seconds} s")]
        public static partial void Draining(ILogger logger, int count, double seconds);

        [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Drain finished; {Remaining} connections left")]
        public static partial void Drained(ILogger logger, int remaining);

        [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Could not remove this edge from the instance registry")]
        public static partial void RegistryRemoveFailed(ILogger logger, Exception exception);
    }
}
