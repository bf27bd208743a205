using Realtime.Core.Bus;
using Realtime.Core.Channels;

namespace Realtime.Core.History;

/// <summary>History of the single-process bus.</summary>
public sealed class InMemoryHistoryStore(InMemoryChannelLog log) : IHistoryStore
{
    public Task<HistoryPage> ReadAsync(ChannelName channel, ulong sinceOffset, int limit, HistoryPolicy policy, CancellationToken cancellationToken = default) =>
        Task.FromResult(log.Read(channel.Value, sinceOffset, limit, policy));
}
