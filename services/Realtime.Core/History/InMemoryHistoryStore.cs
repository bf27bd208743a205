using Realtime.Core.Bus;

namespace Realtime.Core.History;

/// <summary>History of the single-process bus.</summary>
public sealed class InMemoryHistoryStore(InMemoryChannelLog log) : IHistoryStore
{
    public Task<HistoryPage> ReadAsync(string channel, ulong sinceOffset, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult(log.Read(channel, sinceOffset, limit));
}
