using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Edge.Connections;

namespace Realtime.Edge.Subscriptions;

/// <summary>
/// The edge's local subscription table. A bus channel is subscribed while at least one local
/// connection is in it (reference-counted) and unsubscribed when the last one leaves. Joins and
/// leaves of one channel are serialized by its entry's gate, and an entry stays in the table
/// until its bus subscription is gone, so a join racing a leave either reuses the live
/// subscription or re-subscribes after the unsubscribe: no dangling or missing subscription.
/// The table is sharded so joins on different channels do not contend.
/// </summary>
internal sealed class SubscriptionTable(IMessageBus bus, DeliveryWorkers workers, EdgeMetrics metrics)
{
    private const int ShardCount = 64;
    private readonly Shard[] _shards = [.. Enumerable.Range(0, ShardCount).Select(_ => new Shard())];

    /// <summary>Channels with a bus subscription right now.</summary>
    public int ChannelCount => _shards.Sum(s => s.Count);

    /// <summary>A snapshot of the channels with local members.</summary>
    public IReadOnlyList<ChannelEntry> Entries()
    {
        var entries = new List<ChannelEntry>();
        foreach (var shard in _shards)
        {
            lock (shard.Lock)
            {
                entries.AddRange(shard.Entries.Values);
            }
        }

        return entries;
    }

    public async Task<ChannelMember> JoinAsync(Connection connection, ChannelName channel, bool buffer, CancellationToken cancellationToken = default)
    {
        var entry = Acquire(channel);
        await entry.Gate.WaitAsync(CancellationToken.None);
        try
        {
            var member = new ChannelMember(connection, entry);
            if (buffer)
            {
                member.BeginBuffering();
            }

            entry.Add(member);
            if (entry.BusSubscription is null)
            {
                try
                {
                    entry.BusSubscription = await bus.SubscribeAsync(channel, payload => workers.Post(entry, payload), cancellationToken);
                    metrics.BusSubscriptions.Inc();
                }
                catch
                {
                    entry.Remove(member);
                    Release(entry);
                    RemoveIfUnused(entry);
                    throw;
                }
            }

            metrics.Subscriptions.Inc();
            return member;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async Task LeaveAsync(ChannelMember member)
    {
        var entry = member.Entry;
        await entry.Gate.WaitAsync(CancellationToken.None);
        try
        {
            if (!entry.Remove(member))
            {
                return;
            }

            metrics.Subscriptions.Dec();
            try
            {
                if (Release(entry) && entry.BusSubscription is { } subscription)
                {
                    entry.BusSubscription = null;
                    metrics.BusSubscriptions.Dec();
                    await subscription.DisposeAsync();
                }
            }
            finally
            {
                RemoveIfUnused(entry);
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private ChannelEntry Acquire(ChannelName channel)
    {
        var shard = ShardOf(channel);
        lock (shard.Lock)
        {
            if (!shard.Entries.TryGetValue(channel.Value, out var entry))
            {
                entry = new ChannelEntry(channel, workers.WorkerFor(channel));
                shard.Entries[channel.Value] = entry;
            }

            entry.Users++;
            return entry;
        }
    }

    /// <summary>Drops one user; true when it was the last.</summary>
    private bool Release(ChannelEntry entry)
    {
        lock (ShardOf(entry.Channel).Lock)
        {
            entry.Users--;
            return entry.Users == 0;
        }
    }

    private void RemoveIfUnused(ChannelEntry entry)
    {
        var shard = ShardOf(entry.Channel);
        lock (shard.Lock)
        {
            if (entry.Users == 0 && entry.BusSubscription is null && shard.Entries.TryGetValue(entry.Channel.Value, out var current) && current == entry)
            {
                shard.Entries.Remove(entry.Channel.Value);
            }
        }
    }

    private Shard ShardOf(ChannelName channel) => _shards[(int)((uint)StringComparer.Ordinal.GetHashCode(channel.Value) % ShardCount)];

    private sealed class Shard
    {
        public Lock Lock { get; } = new();

        public Dictionary<string, ChannelEntry> Entries { get; } = new(StringComparer.Ordinal);

        public int Count
        {
            get
            {
                lock (Lock)
                {
                    return Entries.Count;
                }
            }
        }
    }
}
