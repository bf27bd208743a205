using Realtime.Core.Channels;
using Realtime.Core.History;

namespace Realtime.Edge.Subscriptions;

/// <summary>
/// A channel with at least one local member (or one joining or leaving). <see cref="Users"/>
/// is changed only under the table shard's lock; joins, leaves and the bus subscription are
/// serialized by <see cref="Gate"/>. Members live in a slot array: a join appends, a leave moves
/// the last member into the leaver's slot, both O(1) (every connection is in <c>broadcast</c>, so
/// a copy per join would make reconnect storms quadratic). Delivery walks the slots under the
/// member lock (Monitor on this entry), which joins and leaves take only for their O(1) step.
/// </summary>
internal sealed class ChannelEntry(ChannelName channel, int worker)
{
    private const int MinCapacity = 4;
    private ChannelMember?[] _slots = new ChannelMember?[MinCapacity];
    private int _count;

    public ChannelName Channel { get; } = channel;

    public int Worker { get; } = worker;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public int Users { get; set; }

    public IAsyncDisposable? BusSubscription { get; set; }

    public int Count
    {
        get
        {
            lock (this)
            {
                return _count;
            }
        }
    }

    /// <summary>A copy of the members (O(n): for rare work such as a resync, never per message).</summary>
    public ChannelMember[] Snapshot()
    {
        lock (this)
        {
            return _slots.AsSpan(0, _count).ToArray()!;
        }
    }

    public void Add(ChannelMember member)
    {
        lock (this)
        {
            if (_count == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }

            member.Slot = _count;
            _slots[_count++] = member;
        }
    }

    public bool Remove(ChannelMember member)
    {
        lock (this)
        {
            var slot = member.Slot;
            if (slot < 0 || slot >= _count || !ReferenceEquals(_slots[slot], member))
            {
                return false;
            }

            var last = _slots[--_count]!;
            _slots[slot] = last;
            last.Slot = slot;
            _slots[_count] = null;
            member.Slot = -1;
            if (_slots.Length > MinCapacity && _count < _slots.Length / 4)
            {
                Array.Resize(ref _slots, Math.Max(MinCapacity, _slots.Length / 2));
            }

            return true;
        }
    }

    /// <summary>Hands one message to every member; returns how many there were.</summary>
    public int Deliver(StreamPosition position, ReadOnlyMemory<byte> frame)
    {
        lock (this)
        {
            for (var i = 0; i < _count; i++)
            {
                _slots[i]!.Deliver(position, frame);
            }

            return _count;
        }
    }
}
