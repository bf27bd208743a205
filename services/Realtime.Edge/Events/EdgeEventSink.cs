using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Realtime.Core.Events;
using Realtime.Core.Options;

namespace Realtime.Edge.Events;

/// <summary>
/// Hands lifecycle events from the connection path to Redis without ever making it wait: a
/// bounded queue (full = the event is dropped and counted) drained by one loop that pipelines the
/// writes in queue order. It also keeps this edge's alive mark fresh, and at start produces the
/// <c>edge_lost</c> events of connections a previous run under the same <c>SERVER_ID</c> left behind.
/// </summary>
internal sealed partial class EdgeEventSink : IHostedService, IAsyncDisposable
{
    private const int BatchSize = 256;

    private readonly IEventLog? _log;
    private readonly EventsOptions _options;
    private readonly string _server;
    private readonly EdgeEventMetrics _metrics;
    private readonly ILogger<EdgeEventSink> _logger;
    private readonly Channel<EventAction> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private volatile bool _crashed;
    private int _disposed;

    public EdgeEventSink(IServiceProvider services, IOptions<EventsOptions> options, IOptions<RealtimeOptions> realtime, EdgeEventMetrics metrics, ILogger<EdgeEventSink> logger)
    {
        _options = options.Value;
        _log = _options.Enabled ? services.GetService<IEventLog>() : null;
        _server = realtime.Value.ServerId;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateBounded<EventAction>(new BoundedChannelOptions(_options.SinkCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; nothing waits
        });
    }

    public bool Enabled => _log is not null;

    /// <summary>Queues an action; never blocks. Returns false (and counts it) when dropped.</summary>
    public bool Post(EventAction action)
    {
        if (_log is null || _crashed)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(action))
        {
            return true;
        }

        _metrics.Dropped.WithLabels("queue_full").Inc();
        return false;
    }

    /// <summary>Tests: behave from now on like a process that was killed (nothing more is written, the alive mark is left to expire).</summary>
    internal void SimulateCrash() => _crashed = true;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_log is not null)
        {
            // Off the start path: a Redis that is down must not hold up the edge's start.
            _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Marks this edge alive, then produces the <c>edge_lost</c> events of connections a previous
    /// run under this SERVER_ID left behind (it was killed and came back before anyone reaped it).
    /// Runs before any queued action is written; connections of this run are only tracked by those.
    /// </summary>
    private async Task ReapPreviousRunAsync(IEventLog log, TimeSpan ttl, CancellationToken cancellationToken)
    {
        try
        {
            await log.MarkAliveAsync(_server, ttl, cancellationToken);
            var reaped = await log.ReapEdgeAsync(_server, cancellationToken);
            if (reaped > 0)
            {
                Log.ReapedOwn(_logger, reaped);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.WriteFailed(_logger, ex);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_log is null)
        {
            return;
        }

        // The connections have closed by now (the server stops before hosted services); what they
        // queued is written, within the host's shutdown time.
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            await _stopping.CancelAsync();
        }

        if (!_crashed)
        {
            try
            {
                await _log.ClearAliveAsync(_server, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.WriteFailed(_logger, ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stopping.CancelAsync();
            _stopping.Dispose();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var log = _log!;
        var ttl = TimeSpan.FromSeconds(_options.EdgeLostAfterSeconds);
        var refreshEvery = ttl / 3;
        await ReapPreviousRunAsync(log, ttl, cancellationToken);
        var lastAlive = DateTimeOffset.UtcNow;
        var batch = new List<EventAction>(BatchSize);
        var reader = _queue.Reader;
        while (!cancellationToken.IsCancellationRequested)
        {
            bool more;
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                tick.CancelAfter(refreshEvery);
                try
                {
                    more = await reader.WaitToReadAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    more = true;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (!_crashed && DateTimeOffset.UtcNow - lastAlive >= refreshEvery)
            {
                lastAlive = DateTimeOffset.UtcNow;
                await TryAsync(() => log.MarkAliveAsync(_server, ttl, cancellationToken));
            }

            while (batch.Count < BatchSize && reader.TryRead(out var action))
            {
                batch.Add(action);
            }

            if (batch.Count > 0)
            {
                await WriteAsync(log, batch, cancellationToken);
                batch.Clear();
            }
            else if (!more)
            {
                return; // completed and empty
            }
        }
    }

    /// <summary>Sends the batch pipelined (one multiplexed connection keeps the order), then awaits all.</summary>
    private async Task WriteAsync(IEventLog log, List<EventAction> batch, CancellationToken cancellationToken)
    {
        if (_crashed)
        {
            return;
        }

        var writes = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var a = batch[i];
            writes[i] = a.Kind switch
            {
                EventActionKind.Connected => log.ConnectedAsync(_server, a.Connection, a.User, cancellationToken),
                EventActionKind.Subscribed => log.SubscribedAsync(_server, a.Connection, a.User, a.Channel, cancellationToken),
                EventActionKind.Unsubscribed => log.UnsubscribedAsync(_server, a.Connection, a.User, a.Channel, a.Reason, cancellationToken),
                _ => log.DisconnectedAsync(_server, a.Connection, a.Reason, a.Code, cancellationToken),
            };
        }

        foreach (var write in writes)
        {
            if (await TryAsync(() => write))
            {
                _metrics.Appended.Inc();
            }
            else
            {
                _metrics.Dropped.WithLabels("redis").Inc();
            }
        }
    }

    private async Task<bool> TryAsync(Func<Task> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.WriteFailed(_logger, ex);
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Writing lifecycle events to Redis failed")]
        public static partial void WriteFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Emitted edge_lost for {Count} connections a previous run of this edge left behind")]
        public static partial void ReapedOwn(ILogger logger, int count);
    }
}
