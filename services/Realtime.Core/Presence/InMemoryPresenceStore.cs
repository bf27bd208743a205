using Realtime.Core.Channels;

namespace Realtime.Core.Presence;

/// <summary>Presence of the single-process mode.</summary>
public sealed class InMemoryPresenceStore(TimeProvider time) : IPresenceStore
{
    private readonly Dictionary<string, Dictionary<string, (PresenceEntry Entry, DateTimeOffset Expires)>> _channels = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task AddAsync(IReadOnlyCollection<(ChannelName Channel, PresenceEntry Entry)> entries, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var expires = now + ttl;
        lock (_gate)
        {
            foreach (var (channel, entry) in entries)
            {
                if (!_channels.TryGetValue(channel.Value, out var members))
                {
                    members = new(StringComparer.Ordinal);
                    _channels[channel.Value] = members;
                }

                members[entry.ConnectionId] = (entry, expires);
                foreach (var id in members.Where(m => m.Value.Expires <= now).Select(m => m.Key).ToList())
                {
                    members.Remove(id); // expired entries go on write too, not only on read
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryAddAsync(ChannelName channel, PresenceEntry entry, TimeSpan ttl, int cap, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel.Value, out var members))
            {
                members = new(StringComparer.Ordinal);
                _channels[channel.Value] = members;
            }

            foreach (var id in members.Where(m => m.Value.Expires <= now).Select(m => m.Key).ToList())
            {
                members.Remove(id);
            }

            if (!members.ContainsKey(entry.ConnectionId) && members.Count >= cap)
            {
                return Task.FromResult(false);
            }

            members[entry.ConnectionId] = (entry, now + ttl);
            return Task.FromResult(true);
        }
    }

    public Task RemoveAsync(ChannelName channel, string connectionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_channels.TryGetValue(channel.Value, out var members) && members.Remove(connectionId) && members.Count == 0)
            {
                _channels.Remove(channel.Value);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PresenceEntry>> GetAsync(ChannelName channel, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel.Value, out var members))
            {
                return Task.FromResult<IReadOnlyList<PresenceEntry>>([]);
            }

            foreach (var id in members.Where(m => m.Value.Expires <= now).Select(m => m.Key).ToList())
            {
                members.Remove(id);
            }

            return Task.FromResult<IReadOnlyList<PresenceEntry>>([.. members.Values.Select(m => m.Entry).OrderBy(e => e.UserId, StringComparer.Ordinal)]);
        }
    }
}
