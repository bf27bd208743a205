namespace Realtime.Core.History;

/// <summary>Reads the bounded per-channel history that the bus appends to when publishing.</summary>
public interface IHistoryStore
{
    /// <summary>
    /// Reads up to <paramref name="limit"/> messages with an offset greater than <paramref name="sinceOffset"/>,
    /// oldest first, applying the channel's retention (count and age) at read time too.
    /// <paramref name="limit"/> 0 reads only the channel's epoch and top offset.
    /// </summary>
    Task<HistoryPage> ReadAsync(string channel, ulong sinceOffset, int limit, CancellationToken cancellationToken = default);
}
