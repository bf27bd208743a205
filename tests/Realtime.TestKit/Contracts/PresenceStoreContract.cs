using Realtime.Core.Channels;
using Realtime.Core.Presence;
using Xunit;

namespace Realtime.TestKit.Contracts;

/// <summary>The <see cref="IPresenceStore"/> contract, run against the in-memory store and real Redis.</summary>
public abstract class PresenceStoreContract : IAsyncLifetime
{
    protected IPresenceStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static ChannelName C(string name) =>
        name.StartsWith("conns:", StringComparison.Ordinal) ? ChannelName.UserConnections(name["conns:".Length..]) : ChannelName.Parse(name);

    /// <summary>
    /// Lets <paramref name="ttl"/> pass and waits until <paramref name="expired"/> holds: a store on a
    /// manual clock advances it; a store on the server's clock (Redis) polls until the server's time passed.
    /// </summary>
    protected abstract Task ExpireAsync(TimeSpan ttl, Func<Task<bool>> expired);

    [Fact]
    public async Task Add_Get_Remove()
    {
        await Store.AddAsync([(C("room:p"), new PresenceEntry("c1", "alice", "edge-a")), (C("room:p"), new PresenceEntry("c2", "bob", "edge-b")), (C("room:q"), new PresenceEntry("c3", "carol", "edge-a"))], TimeSpan.FromMinutes(1));

        var p = await Store.GetAsync(C("room:p"));
        Assert.Equal([new PresenceEntry("c1", "alice", "edge-a"), new PresenceEntry("c2", "bob", "edge-b")], p);

        await Store.RemoveAsync(C("room:p"), "c1");
        Assert.Equal(["bob"], (await Store.GetAsync(C("room:p"))).Select(e => e.UserId));
        Assert.Single(await Store.GetAsync(C("room:q")));
        Assert.Empty(await Store.GetAsync(C("room:none")));
    }

    [Fact]
    public async Task Entries_NotRefreshed_Expire_RefreshedOnesStay()
    {
        var ttl = TimeSpan.FromMilliseconds(300);
        await Store.AddAsync([(C("room:e"), new PresenceEntry("old", "u1", "dead-edge"))], ttl);
        await Store.AddAsync([(C("room:e"), new PresenceEntry("live", "u2", "edge"))], TimeSpan.FromMinutes(1));
        await ExpireAsync(ttl, async () => (await Store.GetAsync(C("room:e"))).Count == 1);
        Assert.Equal("live", (await Store.GetAsync(C("room:e")))[0].ConnectionId);
    }

    [Fact]
    public async Task TryAdd_IsAnAtomicCap_CountingOnlyUnexpiredEntries()
    {
        var ttl = TimeSpan.FromMinutes(1);
        Assert.True(await Store.TryAddAsync(C("conns:u"), new PresenceEntry("c1", "u", "edge-a"), ttl, 2));
        Assert.True(await Store.TryAddAsync(C("conns:u"), new PresenceEntry("c2", "u", "edge-b"), ttl, 2));
        Assert.False(await Store.TryAddAsync(C("conns:u"), new PresenceEntry("c3", "u", "edge-a"), ttl, 2));
        Assert.True(await Store.TryAddAsync(C("conns:u"), new PresenceEntry("c1", "u", "edge-a"), ttl, 2)); // already in: a refresh
        await Store.RemoveAsync(C("conns:u"), "c1");
        Assert.True(await Store.TryAddAsync(C("conns:u"), new PresenceEntry("c3", "u", "edge-a"), ttl, 2));

        // Concurrent attempts never overshoot.
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.TryAddAsync(C("conns:v"), new PresenceEntry($"v{i}", "v", "edge"), ttl, 5)));
        Assert.Equal(5, results.Count(r => r));
        Assert.Equal(5, (await Store.GetAsync(C("conns:v"))).Count);
    }
}
