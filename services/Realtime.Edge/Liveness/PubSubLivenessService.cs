using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Options;

namespace Realtime.Edge.Liveness;

/// <summary>
/// Detects a subscription that is connected but silent (a wedged socket after a failover, which
/// neither TCP nor the Redis client notices): every <see cref="PubSubLivenessOptions.IntervalMs"/>
/// the edge publishes a probe to its own probe channel on each Redis shard it uses and expects it
/// back on its subscription within <see cref="PubSubLivenessOptions.TimeoutMs"/>. A miss replaces
/// that shard's connection (subscriptions move to the new one, and the resync service fills the
/// gap of history channels from history); readiness turns false only after
/// <see cref="PubSubLivenessOptions.MissesBeforeUnready"/> consecutive misses. Shards that are
/// down are the broker readiness check's business and are not probed.
/// </summary>
internal sealed partial class PubSubLivenessService(
    IServiceProvider services,
    IOptions<PubSubLivenessOptions> options,
    IOptions<RealtimeOptions> realtime,
    PubSubLivenessMetrics metrics,
    TimeProvider time,
    ILogger<PubSubLivenessService> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new(StringComparer.Ordinal);
    private int[] _misses = [];
    private Task<IAsyncDisposable>?[] _probes = [];

    /// <summary>The shard with the most consecutive misses and how many (0 when all probes come back).</summary>
    public (int Shard, int Misses) Worst()
    {
        var misses = Volatile.Read(ref _misses);
        var worst = (Shard: -1, Misses: 0);
        for (var i = 0; i < misses.Length; i++)
        {
            var m = Volatile.Read(ref misses[i]);
            if (m > worst.Misses)
            {
                worst = (i, m);
            }
        }

        return worst;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var probe in _probes)
        {
            if (probe is { IsCompletedSuccessfully: true })
            {
                await probe.Result.DisposeAsync();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService(typeof(IBrokerShards)) is not IBrokerShards shards || options.Value.IntervalMs == 0)
        {
            return; // the in-process broker cannot go silent
        }

        Volatile.Write(ref _misses, new int[shards.Count]);
        _probes = new Task<IAsyncDisposable>?[shards.Count];
        var interval = TimeSpan.FromMilliseconds(options.Value.IntervalMs);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stoppingToken);
                await Task.WhenAll(Enumerable.Range(0, shards.Count).Select(shard => CheckAsync(shards, shard, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task CheckAsync(IBrokerShards shards, int shard, CancellationToken stoppingToken)
    {
        if (!shards.IsConnected(shard))
        {
            return;
        }

        var name = shards.NameOf(shard);
        var probe = realtime.Value.ServerId;
        var nonce = $"{name}:{Guid.NewGuid():N}";
        var echo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[nonce] = echo;
        metrics.Probes.WithLabels(name).Inc();
        bool back;
        try
        {
            // The probe subscription is made once (and moves with the connection); a subscribe that
            // cannot complete on a connected shard is itself a sign of a silent connection.
            var timeout = TimeSpan.FromMilliseconds(options.Value.TimeoutMs);
            if (_probes[shard] is { IsFaulted: true } or { IsCanceled: true })
            {
                _probes[shard] = null;
            }

            await (_probes[shard] ??= shards.SubscribeProbeAsync(shard, probe, OnProbe, stoppingToken)).WaitAsync(timeout, time, stoppingToken);
            var receivers = await shards.PublishProbeAsync(shard, probe, Encoding.UTF8.GetBytes(nonce), stoppingToken).WaitAsync(timeout, time, stoppingToken);
            if (receivers > 0)
            {
                await echo.Task.WaitAsync(timeout, time, stoppingToken);
            }

            back = receivers > 0;
        }
        catch (Exception ex) when (ex is BusUnavailableException or TimeoutException)
        {
            back = false;
        }
        finally
        {
            _pending.TryRemove(nonce, out _);
        }

        if (back)
        {
            Volatile.Write(ref _misses[shard], 0);
            return;
        }

        if (stoppingToken.IsCancellationRequested || !shards.IsConnected(shard))
        {
            return; // the connection is down (not silent): the client reconnects it by itself
        }

        var misses = Interlocked.Increment(ref _misses[shard]);
        metrics.Misses.WithLabels(name).Inc();
        Log.ProbeMissed(logger, name, misses);
        try
        {
            await shards.ReconnectAsync(shard, stoppingToken);
            metrics.Reestablished.WithLabels(name).Inc();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ReestablishFailed(logger, name, ex);
        }
    }

    private void OnProbe(ReadOnlyMemory<byte> payload)
    {
        if (_pending.TryGetValue(Encoding.UTF8.GetString(payload.Span), out var echo))
        {
            echo.TrySetResult();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 340, Level = LogLevel.Warning, Message = "Pub/sub probe on Redis shard {Shard} did not come back ({Misses} in a row): re-establishing its connection and resyncing history channels")]
        public static partial void ProbeMissed(ILogger logger, string shard, int misses);

        [LoggerMessage(EventId = 342, Level = LogLevel.Warning, Message = "Re-establishing the connection to Redis shard {Shard} failed; the next probe tries again")]
        public static partial void ReestablishFailed(ILogger logger, string shard, Exception exception);
    }
}
