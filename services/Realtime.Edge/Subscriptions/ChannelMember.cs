using Realtime.Core.History;
using Realtime.Edge.Connections;

namespace Realtime.Edge.Subscriptions;

/// <summary>
/// One connection's membership in one channel. While a subscribe is being answered (and history
/// read) or a resync runs, live messages for the member are buffered; one of the <c>Answer…</c>
/// methods (or <see cref="EndResync"/>) then sends the reply, the missed history and the buffered
/// messages in offset order and switches the member to live delivery, all under one lock so
/// nothing slips between history and live.
/// </summary>
/// <remarks>
/// One duplicate rule serves every path (<see cref="IsNew"/>): a message without a position (no
/// history) is always new; in another epoch it is new (the stream restarted); in the same epoch
/// it is new only above the highest offset this member has been sent or promised.
/// </remarks>
internal sealed class ChannelMember(Connection connection, ChannelEntry entry)
{
    // Guarded by Monitor on this instance: no lock object per member (three members per idle
    // connection; a Lock object is 40 bytes, measured with dotnet-gcdump).
    private List<(StreamPosition Position, ReadOnlyMemory<byte> Frame)>? _buffer;
    private ulong _firstLive;

    // The highest position this member has been sent or promised by a reply: live messages at or
    // below it are duplicates (the history read can overtake the pub/sub stream).
    private StreamPosition _sent = StreamPosition.None;

    public Connection Connection { get; } = connection;

    public ChannelEntry Entry { get; } = entry;

    /// <summary>This member's slot in <see cref="ChannelEntry"/> (-1 when not in it); changed only under the entry's member lock.</summary>
    internal int Slot { get; set; } = -1;

    /// <summary>When a membership opened by a subscribe token ends (its <c>exp</c> + clock skew); null otherwise.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public void BeginBuffering()
    {
        lock (this)
        {
            _buffer ??= [];
        }
    }

    /// <summary>Ends buffering without a reply: what arrived meanwhile is sent, in order.</summary>
    public void EndBuffering() => AnswerWithoutHistory(ReadOnlyMemory<byte>.Empty);

    /// <summary>Answers a subscribe on a channel without history (or whose history could not be read): the reply, then everything buffered.</summary>
    public void AnswerWithoutHistory(ReadOnlyMemory<byte> reply) => Answer(reply, since: null, [], StreamPosition.None);

    /// <summary>
    /// Answers a subscribe that promised everything after <paramref name="promised"/> (a plain
    /// subscribe, or a recovery that could not be made): the reply, then the buffered messages
    /// above it; later live copies at or below it are dropped.
    /// </summary>
    public void AnswerFrom(ReadOnlyMemory<byte> reply, StreamPosition promised) => Answer(reply, since: null, [], promised);

    /// <summary>
    /// Answers a recovery: the reply, then the history entries after <paramref name="since"/> (a
    /// position in the history's epoch) that were not delivered live already, then the buffered
    /// live messages not covered by them.
    /// </summary>
    public void AnswerRecovered(ReadOnlyMemory<byte> reply, StreamPosition since, IReadOnlyList<(ulong Offset, ReadOnlyMemory<byte> Frame)> missed) =>
        Answer(reply, since.Offset, missed, since);

    /// <summary>
    /// The first offset that the subscribe reply may promise: everything after it is or will be delivered.
    /// With no buffered message that is <paramref name="top"/>; otherwise just before the first buffered one.
    /// </summary>
    public ulong Position(ulong top)
    {
        lock (this)
        {
            var first = _buffer is { Count: > 0 } b ? b.Find(x => x.Position.Offset > 0).Position.Offset : 0;
            return first > 0 ? Math.Min(top, first - 1) : top;
        }
    }

    /// <summary>
    /// Starts a resync after the broker lost messages: buffers live delivery like a subscribe does.
    /// False (and nothing changes) when the member is answering a subscribe right now or has no position.
    /// </summary>
    public bool TryBeginResync(out StreamPosition sent)
    {
        lock (this)
        {
            sent = _sent;
            if (_buffer is not null || !sent.HasHistory)
            {
                return false;
            }

            _buffer = [];
            return true;
        }
    }

    /// <summary>
    /// Ends a resync: sends the history entries of <paramref name="epoch"/> this member has not had,
    /// then the buffered live messages, in offset order and without duplicates. An empty epoch (the
    /// read failed) sends only what was buffered.
    /// </summary>
    public void EndResync(string epoch, IReadOnlyList<(ulong Offset, ReadOnlyMemory<byte> Frame)> history)
    {
        lock (this)
        {
            // History of another epoch is unrelated to what this member was sent: only the buffer follows.
            if (epoch == _sent.Epoch)
            {
                foreach (var (offset, frame) in history)
                {
                    SendIfNew(new StreamPosition(epoch, offset), frame);
                }
            }

            FlushBuffer();
        }
    }

    /// <summary>Called by the channel's delivery worker, in offset order.</summary>
    public void Deliver(StreamPosition position, ReadOnlyMemory<byte> frame)
    {
        lock (this)
        {
            if (_buffer is not null)
            {
                _buffer.Add((position, frame));
                return;
            }

            if (!IsNew(position))
            {
                return;
            }

            Accept(position);
        }

        Connection.TryEnqueue(frame);
    }

    private void Answer(ReadOnlyMemory<byte> reply, ulong? since, IReadOnlyList<(ulong Offset, ReadOnlyMemory<byte> Frame)> history, StreamPosition mark)
    {
        lock (this)
        {
            if (!reply.IsEmpty)
            {
                Connection.TryEnqueue(reply);
            }

            if (mark.HasHistory)
            {
                // The client has everything up to the mark (its since, or what the reply promised).
                _sent = mark.Epoch == _sent.Epoch && _sent.Offset > mark.Offset ? _sent : mark;
            }

            foreach (var (offset, frame) in history)
            {
                // Older than anything delivered live (a live member re-subscribing fills only the gap before it).
                if (since is { } s && offset > s && (_firstLive == 0 || offset < _firstLive))
                {
                    Connection.TryEnqueue(frame);
                    _sent = _sent with { Offset = Math.Max(_sent.Offset, offset) };
                }
            }

            FlushBuffer();
        }
    }

    // Under the lock: sends what was buffered that is new, and returns to live delivery.
    private void FlushBuffer()
    {
        foreach (var (position, frame) in _buffer ?? [])
        {
            SendIfNew(position, frame);
        }

        _buffer = null;
    }

    private void SendIfNew(StreamPosition position, ReadOnlyMemory<byte> frame)
    {
        if (IsNew(position))
        {
            Accept(position);
            Connection.TryEnqueue(frame);
        }
    }

    private bool IsNew(StreamPosition position) =>
        !position.HasHistory || position.Epoch != _sent.Epoch || position.Offset > _sent.Offset;

    private void Accept(StreamPosition position)
    {
        if (position.HasHistory)
        {
            _sent = position;
        }

        if (_firstLive == 0)
        {
            _firstLive = position.Offset;
        }
    }
}
