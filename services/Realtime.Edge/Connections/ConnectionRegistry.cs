using System.Collections.Concurrent;

namespace Realtime.Edge.Connections;

/// <summary>
/// This edge's live connections (lock-striped), for counts, pings, expiry checks and drain, and
/// the slots of <c>MaxConnections</c>: a slot is reserved atomically when a WebSocket request
/// arrives and released when it ends, so concurrent handshakes cannot overshoot the cap and a
/// socket that is still being authenticated or refused counts too.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);
    private int _reserved;

    /// <summary>Accepted connections.</summary>
    public int Count => _connections.Count;

    /// <summary>Requests holding a slot (accepted connections plus handshakes in progress).</summary>
    public int Reserved => Volatile.Read(ref _reserved);

    public bool TryReserve(int max)
    {
        if (Interlocked.Increment(ref _reserved) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _reserved);
        return false;
    }

    public void ReleaseReservation() => Interlocked.Decrement(ref _reserved);

    public void Add(Connection connection) => _connections[connection.Id] = connection;

    public void Remove(Connection connection) => _connections.TryRemove(connection.Id, out _);

    public ICollection<Connection> Snapshot() => _connections.Values;
}
