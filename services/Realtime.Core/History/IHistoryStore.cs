using Realtime.Core.Channels;

namespace Realtime.Core.History;

/// <summary>Reads the bounded per-channel history that the bus appends to when publishing.</summary>
public interface IHistoryStore
{
    /// <summary>
    /// Reads up to <paramref name="limit"/> messages with an offset greater than <paramref name="sinceOffset"/>,
    /// oldest first, applying <paramref name="policy"/> (count and age) at read time too.
    /// <paramref name="limit"/> 0 reads only the channel's position (epoch and top offset).
    /// </summary>
    Task<HistoryPage> ReadAsync(ChannelName channel, ulong sinceOffset, int limit, HistoryPolicy policy, CancellationToken cancellationToken = default);
}
