using Realtime.Core.Channels;

namespace Realtime.Core.Presence;

/// <summary>
/// Who is in a channel right now. Each edge adds its connections when they join, removes them
/// when they leave and refreshes them periodically; entries of an edge that died expire after
/// the presence TTL.
/// </summary>
public interface IPresenceStore
{
    /// <summary>Adds or refreshes entries (a join, or the edge's periodic refresh).</summary>
    Task AddAsync(IReadOnlyCollection<(ChannelName Channel, PresenceEntry Entry)> entries, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one entry unless the channel already holds <paramref name="cap"/> unexpired entries
    /// (atomically, across every edge); true when the entry is in.
    /// </summary>
    Task<bool> TryAddAsync(ChannelName channel, PresenceEntry entry, TimeSpan ttl, int cap, CancellationToken cancellationToken = default);

    Task RemoveAsync(ChannelName channel, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>The unexpired entries of a channel (expired ones are pruned).</summary>
    Task<IReadOnlyList<PresenceEntry>> GetAsync(ChannelName channel, CancellationToken cancellationToken = default);
}
