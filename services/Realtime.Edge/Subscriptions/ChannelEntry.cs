namespace Realtime.Edge.Subscriptions;

/// <summary>
/// A channel with at least one local member (or one joining or leaving). <see cref="Users"/>
/// is changed only under the table shard's lock; membership and the bus subscription only
/// under <see cref="Gate"/>, which serializes joins and leaves of this channel.
/// </summary>
public sealed class ChannelEntry(string channel, int worker)
{
    private ChannelMember[] _members = [];

    public string Channel { get; } = channel;

    public int Worker { get; } = worker;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public int Users { get; set; }

    public IAsyncDisposable? BusSubscription { get; set; }

    /// <summary>Copy-on-write snapshot read lock-free by the delivery worker.</summary>
    public ChannelMember[] Members => Volatile.Read(ref _members);

    public void Add(ChannelMember member) => Volatile.Write(ref _members, [.. _members, member]);

    public bool Remove(ChannelMember member)
    {
        var index = Array.IndexOf(_members, member);
        if (index < 0)
        {
            return false;
        }

        Volatile.Write(ref _members, [.. _members[..index], .. _members[(index + 1)..]]);
        return true;
    }
}
