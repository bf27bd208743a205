namespace Realtime.Client.Internal;

/// <summary>
/// The rooms a client is subscribed to, by full channel name, and the routing of an incoming
/// channel name to its subscription (the automatic <c>user:{sub}</c> and <c>broadcast</c> included).
/// Guarded by the client's lock (<see cref="Lock"/> is re-entrant).
/// </summary>
internal sealed class RoomRegistry(Lock gate, Subscription userMessages, Subscription broadcasts)
{
    private readonly Dictionary<string, Subscription> _rooms = new(StringComparer.Ordinal);

    public bool TryAdd(Subscription subscription)
    {
        lock (gate)
        {
            return _rooms.TryAdd(subscription.Channel, subscription);
        }
    }

    /// <summary>Removes this very subscription (not a later one of the same channel); false if it was not registered.</summary>
    public bool Remove(Subscription subscription)
    {
        lock (gate)
        {
            return _rooms.TryGetValue(subscription.Channel, out var existing) && ReferenceEquals(existing, subscription) && _rooms.Remove(subscription.Channel);
        }
    }

    /// <summary>The subscription that receives <paramref name="channel"/>'s frames, if any.</summary>
    public Subscription? Route(string channel)
    {
        if (channel == broadcasts.Channel)
        {
            return broadcasts;
        }

        if (channel == userMessages.Channel)
        {
            return userMessages;
        }

        lock (gate)
        {
            return _rooms.GetValueOrDefault(channel);
        }
    }

    /// <summary>The rooms (call under the lock).</summary>
    public IEnumerable<Subscription> Rooms => _rooms.Values;

    /// <summary>Every subscription, automatic ones included, and forgets the rooms (the client is closing).</summary>
    public Subscription[] TakeAll()
    {
        lock (gate)
        {
            Subscription[] all = [.. _rooms.Values, userMessages, broadcasts];
            _rooms.Clear();
            return all;
        }
    }

    /// <summary>The room name of <paramref name="channel"/>: <c>room:lobby</c> or just <c>lobby</c>; the automatic channels cannot be joined.</summary>
    public static string NormalizeRoom(string channel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        if (channel == "broadcast" || channel.StartsWith("user:", StringComparison.Ordinal))
        {
            throw new ArgumentException("user:{sub} and broadcast are joined automatically; read UserMessages or Broadcasts.", nameof(channel));
        }

        return channel.StartsWith("room:", StringComparison.Ordinal) ? channel : "room:" + channel;
    }
}
