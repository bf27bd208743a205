using Realtime.Core.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Realtime.Core.Options;
using Realtime.Core.Presence;
using Realtime.Redis;
using Realtime.TestKit;

namespace Realtime.Core.Tests.Presence;

/// <summary>One presence contract, run against the in-memory store and real Redis.</summary>
public abstract class PresenceStoreContractTests : IAsyncLifetime
{
    protected IPresenceStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static ChannelName C(string name) =>
        name.StartsWith("conns:", StringComparison.Ordinal) ? ChannelName.UserConnections(name["conns:".Length..]) : ChannelName.Parse(name);

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
        await Store.AddAsync([(C("room:e"), new PresenceEntry("old", "u1", "dead-edge"))], TimeSpan.FromMilliseconds(300));
        await Store.AddAsync([(C("room:e"), new PresenceEntry("live", "u2", "edge"))], TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(async () => (await Store.GetAsync(C("room:e"))).Count == 1, because: "the unrefreshed entry expires");
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

public sealed class InMemoryPresenceStoreTests : PresenceStoreContractTests
{
    public override Task InitializeAsync()
    {
        Store = new InMemoryPresenceStore(TimeProvider.System);
        return Task.CompletedTask;
    }
}

public sealed class RedisPresenceStoreTests : PresenceStoreContractTests
{
    private RedisConnection _connection = null!;

    public override async Task InitializeAsync()
    {
        var redis = await RedisServer.GetAsync();
        _connection = new RedisConnection(Microsoft.Extensions.Options.Options.Create(new RedisOptions { Url = redis.Url, Prefix = "p" + Guid.NewGuid().ToString("N")[..8] }), NullLogger<RedisConnection>.Instance);
        Store = new RedisPresenceStore(_connection);
    }

    public override async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task ExpiredEntries_AreRemovedOnWrite_NotOnlyOnRead()
    {
        // A room nobody queries: live members keep extending the key's TTL, so expired members
        // (ghosts of connections whose edge died) must go when entries are written.
        await Store.AddAsync([(C("room:g"), new PresenceEntry("ghost", "u1", "dead-edge"))], TimeSpan.FromMilliseconds(200));
        await Task.Delay(400);
        await Store.AddAsync([(C("room:g"), new PresenceEntry("live", "u2", "edge"))], TimeSpan.FromMinutes(1));

        var redis = await RedisServer.GetAsync();
        await using var mux = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(redis.Url));
        var db = mux.GetDatabase();
        Assert.Equal(["live"], (await db.HashKeysAsync(_connection.Channels.Presence("room:g"))).Select(k => (string)k!));
        Assert.Equal(1, await db.SortedSetLengthAsync(_connection.Channels.PresenceExpiry("room:g")));
    }
}
