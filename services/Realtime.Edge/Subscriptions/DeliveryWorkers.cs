using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Realtime.Core.Channels;
using Realtime.Core.Messages;
using Realtime.Core.Telemetry;
using Realtime.Edge.Hosting;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Subscriptions;

/// <summary>
/// Takes broker messages off the broker's thread. A channel always maps to the same worker, so
/// per-channel order is kept; each worker decodes a message once, serializes its frame once and
/// hands the same bytes to every local member. A full worker queue drops (and counts) the message.
/// </summary>
internal sealed partial class DeliveryWorkers : IHostedService, IAsyncDisposable
{
    private readonly Channel<(ChannelEntry Entry, ReadOnlyMemory<byte> Payload)>[] _queues;
    private readonly Task[] _loops;
    private readonly long[] _queuedBytes;
    private readonly long _maxQueuedBytes;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger<DeliveryWorkers> _logger;

    public DeliveryWorkers(IOptions<EdgeOptions> options, EdgeMetrics metrics, ILogger<DeliveryWorkers> logger)
    {
        _metrics = metrics;
        _logger = logger;
        var count = options.Value.DeliveryWorkers;
        _queues = new Channel<(ChannelEntry, ReadOnlyMemory<byte>)>[count];
        _loops = new Task[count];
        _queuedBytes = new long[count];
        _maxQueuedBytes = options.Value.DeliveryQueueBytes;
        for (var i = 0; i < count; i++)
        {
            _queues[i] = Channel.CreateUnbounded<(ChannelEntry, ReadOnlyMemory<byte>)>(new UnboundedChannelOptions { SingleReader = true });
            _loops[i] = Task.CompletedTask;
        }
    }

    /// <summary>Starts one loop per worker (with the host; messages posted before wait in the queues).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < _queues.Length; i++)
        {
            var reader = _queues[i].Reader;
            var worker = i;
            _loops[i] = Task.Run(() => RunAsync(worker, reader), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Lets the workers finish what is queued, until the host's stop timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Broker message bytes waiting in all worker queues.</summary>
    public long QueuedBytes
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _queuedBytes.Length; i++)
            {
                total += Interlocked.Read(ref _queuedBytes[i]);
            }

            return total;
        }
    }

    public int WorkerFor(ChannelName channel) => (int)((uint)StringComparer.Ordinal.GetHashCode(channel.Value) % (uint)_queues.Length);

    public void Post(ChannelEntry entry, ReadOnlyMemory<byte> payload)
    {
        _metrics.BrokerMessages.Inc();
        var worker = entry.Worker;
        if (Interlocked.Add(ref _queuedBytes[worker], payload.Length) > _maxQueuedBytes || !_queues[worker].Writer.TryWrite((entry, payload)))
        {
            Interlocked.Add(ref _queuedBytes[worker], -payload.Length);
            _metrics.DeliveryDrops.Inc();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private async Task RunAsync(int worker, ChannelReader<(ChannelEntry Entry, ReadOnlyMemory<byte> Payload)> reader)
    {
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var item))
            {
                Interlocked.Add(ref _queuedBytes[worker], -item.Payload.Length);
                try
                {
                    Deliver(item.Entry, item.Payload);
                }
                catch (Exception ex)
                {
                    Log.DeliveryFailed(_logger, item.Entry.Channel.Value, ex);
                }
            }
        }
    }

    private void Deliver(ChannelEntry entry, ReadOnlyMemory<byte> payload)
    {
        if (!BusFrame.TryDecode(payload.Span, out var frame) || frame.Envelope.Channel != entry.Channel.Value)
        {
            _metrics.MalformedBusMessages.Inc();
            Log.MalformedMessage(_logger, entry.Channel.Value);
            return;
        }

        if (entry.Count == 0)
        {
            return;
        }

        if (frame.Envelope.Control == ControlNames.Disconnect)
        {
            var reason = frame.Envelope.Data.ToStringUtf8();
            var members = entry.Snapshot();
            foreach (var member in members)
            {
                member.Connection.RequestClose(CloseCodes.Disconnected, string.IsNullOrEmpty(reason) ? "disconnected" : reason);
            }

            _metrics.Disconnects.Inc(members.Length);
            return;
        }

        if (frame.Envelope.Control == ControlNames.Presence)
        {
            // A join/leave frame built by the edge where it happened (Events/PresenceNotifier).
            _metrics.Deliveries.Inc(entry.Deliver(frame.Position, frame.Envelope.Data.Memory));
            return;
        }

        if (!string.IsNullOrEmpty(frame.Envelope.Control))
        {
            return; // a control message of a newer version: never delivered to clients
        }

        using var activity = StartDeliverActivity(frame.Envelope);
        var bytes = Frames.Message(frame.Envelope, frame.Position);
        var delivered = entry.Deliver(frame.Position, bytes);
        activity?.SetTag(RealtimeActivities.Tags.Recipients, delivered);
        _metrics.Deliveries.Inc(delivered);
    }

    /// <summary>
    /// The edge's span of one message, a child of the dispatcher's "create" span whose context the
    /// envelope carries: from decode to the hand-off of the frame to every local member's send queue
    /// (the socket writes follow on each connection's own writer). Null when tracing is off.
    /// </summary>
    private static Activity? StartDeliverActivity(Envelope envelope)
    {
        if (envelope.Traceparent.Length == 0 || !RealtimeActivities.Source.HasListeners()
            || !ActivityContext.TryParse(envelope.Traceparent, envelope.Tracestate, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = RealtimeActivities.Source.StartActivity("deliver " + envelope.Channel, ActivityKind.Consumer, parent);
        activity?.SetTag(RealtimeActivities.Tags.System, "realtime");
        activity?.SetTag(RealtimeActivities.Tags.Operation, "process");
        activity?.SetTag(RealtimeActivities.Tags.Destination, envelope.Channel);
        activity?.SetTag(RealtimeActivities.Tags.MessageId, envelope.Id);
        return activity;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Dropped a malformed broker message on {Channel}")]
        public static partial void MalformedMessage(ILogger logger, string channel);

        [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Delivery on {Channel} failed")]
        public static partial void DeliveryFailed(ILogger logger, string channel, Exception exception);
    }
}
