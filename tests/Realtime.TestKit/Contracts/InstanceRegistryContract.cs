using Realtime.Core.Instances;
using Xunit;

namespace Realtime.TestKit.Contracts;

/// <summary>
/// The <see cref="IInstanceRegistry"/> contract on a <see cref="ManualClock"/>: heartbeats list
/// instances with their connection counts, removal drops them, and listing prunes entries older
/// than the max age (for good, not only from that answer).
/// </summary>
public abstract class InstanceRegistryContract : IAsyncLifetime
{
    protected ManualClock Clock { get; } = new();

    protected IInstanceRegistry Registry { get; set; } = null!;

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Heartbeat_ListsInstances_WithConnectionCounts_InIdOrder()
    {
        await Registry.HeartbeatAsync("edge-b", 7);
        await Registry.HeartbeatAsync("edge-a", 3);
        var list = await Registry.ListAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["edge-a", "edge-b"], list.Select(i => i.ServerId));
        Assert.Equal([3, 7], list.Select(i => i.Connections));
        Assert.All(list, i => Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), i.LastSeenMs));
    }

    [Fact]
    public async Task Heartbeat_Again_UpdatesCountAndTime()
    {
        await Registry.HeartbeatAsync("edge-a", 1);
        Clock.Advance(TimeSpan.FromSeconds(5));
        await Registry.HeartbeatAsync("edge-a", 2);
        var only = Assert.Single(await Registry.ListAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, only.Connections);
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), only.LastSeenMs);
    }

    [Fact]
    public async Task Remove_DropsTheInstance()
    {
        await Registry.HeartbeatAsync("edge-a", 1);
        await Registry.HeartbeatAsync("edge-b", 1);
        await Registry.RemoveAsync("edge-a");
        Assert.Equal(["edge-b"], (await Registry.ListAsync(TimeSpan.FromSeconds(30))).Select(i => i.ServerId));
    }

    [Fact]
    public async Task List_PrunesInstancesOlderThanMaxAge()
    {
        await Registry.HeartbeatAsync("edge-old", 1);
        Clock.Advance(TimeSpan.FromSeconds(20));
        await Registry.HeartbeatAsync("edge-new", 1);

        Assert.Equal(["edge-new"], (await Registry.ListAsync(TimeSpan.FromSeconds(10))).Select(i => i.ServerId));

        // Pruned, not just hidden: a longer max age does not bring it back.
        Assert.Equal(["edge-new"], (await Registry.ListAsync(TimeSpan.FromHours(1))).Select(i => i.ServerId));
    }
}
