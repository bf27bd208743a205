using Realtime.Core.Presence;
using Realtime.TestKit;
using Realtime.TestKit.Contracts;

namespace Realtime.Redis.Tests.Presence;

/// <summary>Presence in Redis expires by the server's clock, so expiry is awaited (polling), not simulated.</summary>
public sealed class RedisPresenceStoreTests : PresenceStoreContract
{
    private RedisShards _shards = null!;

    public override async Task InitializeAsync()
    {
        var redis = await RedisServer.GetAsync();
        _shards = RedisTestConnections.Shards(RedisTestConnections.NewPrefix("p"), redis.Url);
        Store = new RedisPresenceStore(_shards);
    }

    public override async Task DisposeAsync() => await _shards.DisposeAsync();

    protected override Task ExpireAsync(TimeSpan ttl, Func<Task<bool>> expired) =>
        Eventually.TrueAsync(expired, because: "the unrefreshed entry expires");

    [Fact]
    public async Task ExpiredEntries_AreRemovedOnWrite_NotOnlyOnRead()
    {
        // A room nobody queries: live members keep extending the key's TTL, so expired members
        // (ghosts of connections whose edge died) must go when entries are written.
        await Store.AddAsync([(C("room:g"), new PresenceEntry("ghost", "u1", "dead-edge"))], TimeSpan.FromMilliseconds(200));
        var redis = await RedisServer.GetAsync();
        await using var mux = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(redis.Url));
        var db = mux.GetDatabase();
        var keys = _shards.First.Channels;
        await Eventually.TrueAsync(async () =>
        {
            // Written until the ghost's 200 ms have passed by the server's clock.
            await Store.AddAsync([(C("room:g"), new PresenceEntry("live", "u2", "edge"))], TimeSpan.FromMinutes(1));
            return (await db.HashKeysAsync(keys.Presence("room:g"))).Length == 1;
        }, because: "a write removes the expired entry");
        Assert.Equal(["live"], (await db.HashKeysAsync(keys.Presence("room:g"))).Select(k => (string)k!));
        Assert.Equal(1, await db.SortedSetLengthAsync(keys.PresenceExpiry("room:g")));
    }
}
