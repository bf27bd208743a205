using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Realtime.Edge.Auth;
using Realtime.Edge.Subscriptions;

namespace Realtime.Edge.Connections;

/// <summary>
/// One client connection: a bounded send queue drained by a single writer loop that
/// coalesces whatever is queued into one text frame (objects separated by <c>\n</c>).
/// A full queue closes the connection as a slow consumer (4008).
/// </summary>
public sealed class Connection
{
    private readonly WebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _queue;
    private readonly int _maxFrameBytes;
    private readonly EdgeMetrics _metrics;
    private CloseRequest? _close;

    public Connection(string id, ClientIdentity identity, WebSocket socket, int queueCapacity, int maxFrameBytes, EdgeMetrics metrics)
    {
        Id = id;
        Identity = identity;
        _socket = socket;
        _maxFrameBytes = maxFrameBytes;
        _metrics = metrics;
        _queue = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Id { get; }

    public ClientIdentity Identity { get; }

    /// <summary>Channels this connection is in; touched only by the connection's own command loop.</summary>
    internal Dictionary<string, ChannelMember> Memberships { get; } = new(StringComparer.Ordinal);

    public bool IsClosing => Volatile.Read(ref _close) is not null;

    /// <summary>Queues one JSON object for sending; never blocks. A full queue closes the connection (4008).</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        if (_queue.Writer.TryWrite(frame))
        {
            return true;
        }

        if (!IsClosing)
        {
            _metrics.SendQueueDrops.Inc();
            RequestClose(Protocol.CloseCodes.SlowConsumer, "slow consumer", discardPending: true);
        }

        return false;
    }

    /// <summary>Asks the writer loop to send what is queued (unless <paramref name="discardPending"/>) and then a close frame.</summary>
    public void RequestClose(WebSocketCloseStatus status, string reason, bool discardPending = false)
    {
        if (Interlocked.CompareExchange(ref _close, new CloseRequest(status, reason, discardPending), null) is null)
        {
            _queue.Writer.TryComplete();

            // A peer that neither reads (its socket buffers are full, so our close frame cannot
            // go out) nor answers the close is cut off after a grace period, so it cannot pin
            // memory or a connection slot.
            _ = AbortIfStillOpenAsync(CloseGracePeriod);
        }
    }

    /// <summary>How long a requested close may take before the socket is aborted.</summary>
    public static TimeSpan CloseGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    private async Task AbortIfStillOpenAsync(TimeSpan grace)
    {
        await Task.Delay(grace);
        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _socket.Abort();
        }
    }

    /// <summary>Takes whatever is queued (for tests that run no writer loop).</summary>
    internal List<ReadOnlyMemory<byte>> TakeQueued()
    {
        var items = new List<ReadOnlyMemory<byte>>();
        while (_queue.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Ends the writer loop without a close frame (the peer is already gone).</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunWriterAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                if (_close is { DiscardPending: true })
                {
                    break;
                }

                if (!reader.TryRead(out var first))
                {
                    continue;
                }

                if (!reader.TryPeek(out _))
                {
                    await _socket.SendAsync(first, WebSocketMessageType.Text, true, cancellationToken);
                    _metrics.FramesSent.Inc();
                    _metrics.MessagesSent.Inc();
                    continue;
                }

                await SendCoalescedAsync(reader, first, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The peer went away first.
            }
        }
    }

    private async Task SendCoalescedAsync(ChannelReader<ReadOnlyMemory<byte>> reader, ReadOnlyMemory<byte> first, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_maxFrameBytes, first.Length));
        try
        {
            first.Span.CopyTo(buffer);
            var length = first.Length;
            var count = 1;
            while (reader.TryPeek(out var next) && length + 1 + next.Length <= _maxFrameBytes && reader.TryRead(out next))
            {
                buffer[length++] = (byte)'\n';
                next.Span.CopyTo(buffer.AsSpan(length));
                length += next.Length;
                count++;
            }

            await _socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, true, cancellationToken);
            _metrics.FramesSent.Inc();
            _metrics.MessagesSent.Inc(count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason, bool DiscardPending);
}
