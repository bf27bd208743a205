using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Realtime.Core.Channels;
using Realtime.Edge.Auth;
using Realtime.Edge.Subscriptions;

namespace Realtime.Edge.Connections;

/// <summary>
/// One client connection: a send queue bounded in bytes, drained by a single writer loop that
/// coalesces whatever is queued into one text frame (objects separated by <c>\n</c>).
/// A full queue closes the connection as a slow consumer (4008).
/// </summary>
internal sealed class Connection
{
    private readonly WebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _queue;
    private readonly int _maxFrameBytes;
    private readonly long _maxQueuedBytes;
    private readonly EdgeMetrics _metrics;
    private CloseRequest? _close;
    private long _queuedBytes;

    public Connection(string id, ClientIdentity identity, WebSocket socket, long maxQueuedBytes, int maxFrameBytes, EdgeMetrics metrics)
    {
        Id = id;
        Identity = identity;
        _socket = socket;
        _maxFrameBytes = maxFrameBytes;
        _maxQueuedBytes = maxQueuedBytes;
        _metrics = metrics;
        // Bounded in bytes by TryEnqueue, not in count. A bounded channel keeps its items in a
        // deque that starts empty and grows with use, where an unbounded one allocates a
        // 32-slot segment up front (about 0.9 KB per idle connection, measured with dotnet-gcdump).
        _queue = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(int.MaxValue)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Bytes queued for this connection and not yet handed to the socket.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    public string Id { get; }

    public ClientIdentity Identity { get; }

    // Channels this connection is in: changed by its command loop, and by the expiry of a
    // subscribe token (heartbeat), so every access takes the dictionary's lock.
    private readonly Dictionary<ChannelName, ChannelMember> _memberships = [];
    private long _nextMembershipExpiryTicks = long.MaxValue;

    public int MembershipCount
    {
        get
        {
            lock (_memberships)
            {
                return _memberships.Count;
            }
        }
    }

    /// <summary>True when a subscription opened by a subscribe token has ended at <paramref name="now"/>.</summary>
    public bool HasExpiredMembership(DateTimeOffset now) => Interlocked.Read(ref _nextMembershipExpiryTicks) <= now.UtcTicks;

    /// <summary>Adds (or re-adds) a membership; <paramref name="expiresAt"/>, when given, is when its subscribe token ends.</summary>
    public void AddMembership(ChannelMember member, DateTimeOffset? expiresAt = null)
    {
        lock (_memberships)
        {
            if (expiresAt is not null)
            {
                member.ExpiresAt = expiresAt; // under the lock the expiry check reads it with
            }

            _memberships[member.Entry.Channel] = member;
            if (member.ExpiresAt is { } expires && expires.UtcTicks < _nextMembershipExpiryTicks)
            {
                Interlocked.Exchange(ref _nextMembershipExpiryTicks, expires.UtcTicks);
            }
        }
    }

    public ChannelMember? FindMembership(ChannelName channel)
    {
        lock (_memberships)
        {
            return _memberships.GetValueOrDefault(channel);
        }
    }

    public bool TryRemoveMembership(ChannelName channel, out ChannelMember? member)
    {
        lock (_memberships)
        {
            return _memberships.Remove(channel, out member);
        }
    }

    /// <summary>Removes and returns every membership.</summary>
    public List<ChannelMember> TakeMemberships()
    {
        lock (_memberships)
        {
            var all = _memberships.Values.ToList();
            _memberships.Clear();
            Interlocked.Exchange(ref _nextMembershipExpiryTicks, long.MaxValue);
            return all;
        }
    }

    /// <summary>Removes and returns the memberships whose subscribe token has expired at <paramref name="now"/>.</summary>
    public List<ChannelMember> TakeExpiredMemberships(DateTimeOffset now)
    {
        lock (_memberships)
        {
            var expired = _memberships.Values.Where(m => m.ExpiresAt <= now).ToList();
            var next = long.MaxValue;
            foreach (var member in expired)
            {
                _memberships.Remove(member.Entry.Channel);
            }

            foreach (var member in _memberships.Values)
            {
                if (member.ExpiresAt is { } e && e.UtcTicks < next)
                {
                    next = e.UtcTicks;
                }
            }

            Interlocked.Exchange(ref _nextMembershipExpiryTicks, next);
            return expired;
        }
    }

    public bool IsClosing => Volatile.Read(ref _close) is not null;

    /// <summary>The close this connection was asked for (status and reason), if any.</summary>
    public (WebSocketCloseStatus Status, string Reason)? CloseRequested => Volatile.Read(ref _close) is { } close ? (close.Status, close.Reason) : null;

    /// <summary>
    /// Queues one JSON object for sending; never blocks. Past the byte limit the connection is
    /// closed as a slow consumer (4008) and what is queued is dropped.
    /// </summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        var queued = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (queued <= _maxQueuedBytes || queued == frame.Length)
        {
            if (_queue.Writer.TryWrite(frame))
            {
                return true;
            }

            Interlocked.Add(ref _queuedBytes, -frame.Length);
            return false;
        }

        Interlocked.Add(ref _queuedBytes, -frame.Length);
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
        if (Interlocked.CompareExchange(ref _close, new CloseRequest(status, TruncateReason(reason), discardPending), null) is null)
        {
            _queue.Writer.TryComplete();
            if (discardPending)
            {
                DiscardQueued();
            }

            // A peer that neither reads (its socket buffers are full, so our close frame cannot
            // go out) nor answers the close is cut off after a grace period, so it cannot pin
            // memory or a connection slot.
            _ = AbortIfStillOpenAsync(CloseTimeout);
        }
    }

    /// <summary>
    /// How long a close handshake may take (ours or the peer's, sending the close frame or draining
    /// until the peer's) before the socket is aborted; also how long a drain waits for the last sockets.
    /// </summary>
    internal static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest close reason a close frame carries (125-byte control payload minus the code).</summary>
    public const int MaxCloseReasonBytes = 123;

    /// <summary>Cuts a close reason to <see cref="MaxCloseReasonBytes"/> UTF-8 bytes, never inside a character.</summary>
    public static string TruncateReason(string reason)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(reason) <= MaxCloseReasonBytes)
        {
            return reason;
        }

        var bytes = 0;
        var end = 0;
        foreach (var rune in reason.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxCloseReasonBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        return reason[..end];
    }

    private async Task AbortIfStillOpenAsync(TimeSpan grace)
    {
        await Task.Delay(grace);
        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            // The close frame could not go out (the peer does not read, its buffers are full) or
            // the peer never answered it: the client sees an abnormal close (1006).
            if (_socket.State is not WebSocketState.CloseSent)
            {
                _metrics.CloseFramesUndelivered.Inc();
            }

            _socket.Abort();
        }

        DiscardQueued();
    }

    private void DiscardQueued()
    {
        while (_queue.Reader.TryRead(out var item))
        {
            Dequeued(item.Length);
        }
    }

    private void Dequeued(int bytes) => Interlocked.Add(ref _queuedBytes, -bytes);

    /// <summary>Takes whatever is queued (for tests that run no writer loop).</summary>
    internal List<ReadOnlyMemory<byte>> TakeQueued()
    {
        var items = new List<ReadOnlyMemory<byte>>();
        while (_queue.Reader.TryRead(out var item))
        {
            Dequeued(item.Length);
            items.Add(item);
        }

        return items;
    }

    /// <summary>Ends the writer loop without a close frame (the peer is already gone).</summary>
    public void EndWrites()
    {
        _queue.Writer.TryComplete();
    }

    /// <summary>Drops whatever is still queued once the writer loop has ended (keeps the byte gauge true).</summary>
    public void ReleaseQueued() => DiscardQueued();

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

                Dequeued(first.Length);
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
                timeout.CancelAfter(CloseTimeout);
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
                Dequeued(next.Length);
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
