using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Realtime.Core.Channels;
using Realtime.Core.Options;
using Realtime.Core.Presence;
using Realtime.Edge.Auth;
using Realtime.Edge.Connections;
using Realtime.Edge.Presence;

namespace Realtime.Edge.Tests.Presence;

public sealed class PresenceTrackerTests
{
    private static Connection NewConnection(string id) => new(
        id,
        new ClientIdentity("u", [], DateTimeOffset.MaxValue),
        WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }),
        1 << 20,
        4096,
        new EdgeMetrics(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry())));

    [Fact]
    public async Task ARefreshNeverResurrectsAConnectionThatLeftAfterItsSnapshot()
    {
        // The soak finding, forced: the refresh takes its snapshot, the connection leaves (its
        // entry is deleted), then the refresh writes the snapshot back.
        var store = new PausingStore(new InMemoryPresenceStore(TimeProvider.System));
        var tracker = new PresenceTracker(
            store,
            Microsoft.Extensions.Options.Options.Create(new PresenceOptions()),
            Microsoft.Extensions.Options.Options.Create(new RealtimeOptions { ServerId = "edge-a" }),
            NullLogger<PresenceTracker>.Instance);
        var leaving = NewConnection("leaving");
        var staying = NewConnection("staying");
        await tracker.JoinedAsync(leaving, ChannelName.Parse("room:lobby"), CancellationToken.None);
        await tracker.JoinedAsync(staying, ChannelName.Parse("room:lobby"), CancellationToken.None);

        store.PauseNextAdd();
        var refresh = tracker.RefreshAsync(CancellationToken.None);
        await store.AddReached.Task; // snapshot taken, write not yet done
        await tracker.LeftAsync(leaving, ChannelName.Parse("room:lobby"));
        store.Resume();
        await refresh;

        Assert.Equal(["staying"], (await store.GetAsync(ChannelName.Parse("room:lobby"))).Select(e => e.ConnectionId));
    }

    [Fact]
    public async Task ARefreshStillRestoresEntriesTheStoreLost()
    {
        var inner = new InMemoryPresenceStore(TimeProvider.System);
        var tracker = new PresenceTracker(
            inner,
            Microsoft.Extensions.Options.Options.Create(new PresenceOptions()),
            Microsoft.Extensions.Options.Options.Create(new RealtimeOptions { ServerId = "edge-a" }),
            NullLogger<PresenceTracker>.Instance);
        var connection = NewConnection("c1");
        await tracker.JoinedAsync(connection, ChannelName.Parse("room:lobby"), CancellationToken.None);
        await inner.RemoveAsync(ChannelName.Parse("room:lobby"), "c1"); // Redis lost it (restart without persistence)

        await tracker.RefreshAsync(CancellationToken.None);

        Assert.Equal(["c1"], (await inner.GetAsync(ChannelName.Parse("room:lobby"))).Select(e => e.ConnectionId));
    }

    /// <summary>A real store whose next write can be held between its snapshot and its effect.</summary>
    private sealed class PausingStore(IPresenceStore inner) : IPresenceStore
    {
        private TaskCompletionSource? _resume;
        private TaskCompletionSource? _held;

        public TaskCompletionSource AddReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void PauseNextAdd() => _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Resume() => _held!.SetResult();

        public async Task AddAsync(IReadOnlyCollection<(ChannelName Channel, PresenceEntry Entry)> entries, TimeSpan ttl, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _resume, null) is { } resume)
            {
                _held = resume;
                AddReached.SetResult();
                await resume.Task;
            }

            await inner.AddAsync(entries, ttl, cancellationToken);
        }

        public Task<bool> TryAddAsync(ChannelName channel, PresenceEntry entry, TimeSpan ttl, int cap, CancellationToken cancellationToken = default) =>
            inner.TryAddAsync(channel, entry, ttl, cap, cancellationToken);

        public Task RemoveAsync(ChannelName channel, string connectionId, CancellationToken cancellationToken = default) =>
            inner.RemoveAsync(channel, connectionId, cancellationToken);

        public Task<IReadOnlyList<PresenceEntry>> GetAsync(ChannelName channel, CancellationToken cancellationToken = default) =>
            inner.GetAsync(channel, cancellationToken);
    }
}
