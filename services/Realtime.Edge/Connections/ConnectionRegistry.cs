using System.Collections.Concurrent;

namespace Realtime.Edge.Connections;

/// <summary>This edge's live connections (lock-striped), for counts, pings, expiry checks and drain.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public void Add(Connection connection) => _connections[connection.Id] = connection;

    public void Remove(Connection connection) => _connections.TryRemove(connection.Id, out _);

    public ICollection<Connection> Snapshot() => _connections.Values;
}
