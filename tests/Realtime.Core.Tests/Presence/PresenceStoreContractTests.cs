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

    [Fact]
    public async Task Add_Get_Remove()
    {
        await Store.AddAsync([("room:p", new PresenceEntry("c1", "alice", "edge-a")), ("room:p", new PresenceEntry("c2", "bob", "edge-b")), ("room:q", new PresenceEntry("c3", "carol", "edge-a"))], TimeSpan.FromMinutes(1));

        var p = await Store.GetAsync("room:p");
        Assert.Equal([new PresenceEntry("c1", "alice", "edge-a"), new PresenceEntry("c2", "bob", "edge-b")], p);

        await Store.RemoveAsync("room:p", "c1");
        Assert.Equal(["bob"], (await Store.GetAsync("room:p")).Select(e => e.UserId));
        Assert.Single(await Store.GetAsync("room:q"));
        Assert.Empty(await Store.GetAsync("room:none"));
    }

    [Fact]
    public async Task Entries_NotRefreshed_Expire_RefreshedOnesStay()
    {
        await Store.AddAsync([("room:e", new PresenceEntry("old", "u1", "dead-edge"))], TimeSpan.FromMilliseconds(300));
        await Store.AddAsync([("room:e", new PresenceEntry("live", "u2", "edge"))], TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(async () => (await Store.GetAsync("room:e")).Count == 1, because: "the unrefreshed entry expires");
        Assert.Equal("live", (await Store.GetAsync("room:e"))[0].ConnectionId);
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
}
