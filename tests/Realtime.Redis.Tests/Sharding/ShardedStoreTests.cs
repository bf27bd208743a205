using Realtime.Core.Channels;
using Realtime.Core.Presence;
using Realtime.TestKit;
using Realtime.TestKit.Contracts;
using StackExchange.Redis;

namespace Realtime.Redis.Tests.Sharding;

/// <summary>Three independent Redis servers for the sharded contract runs of this class's tests.</summary>
public sealed class ThreeShardsFixture : IAsyncLifetime
{
    public RedisShardSet Servers { get; private set; } = null!;

    public async Task InitializeAsync() => Servers = await RedisShardSet.StartAsync(3);

    public async Task DisposeAsync() => await Servers.DisposeAsync();
}

[CollectionDefinition("three shards")]
public sealed class ThreeShardsCollection : ICollectionFixture<ThreeShardsFixture>;

[Collection("three shards")]
public sealed class ShardedMessageBusTests(ThreeShardsFixture shards) : MessageBusContract
{
    private RedisShards _shards = null!;

    public override Task InitializeAsync()
    {
        _shards = RedisTestConnections.Shards(RedisTestConnections.NewPrefix("s"), [.. shards.Servers.Urls]);
        Bus = new RedisMessageBus(_shards);
        Store = new RedisHistoryStore(_shards);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync() => await _shards.DisposeAsync();

    [Fact]
    public async Task EveryShard_Delivers_AndKeepsItsChannelsKeys_OnlyThere()
    {
        foreach (var shard in Enumerable.Range(0, 3))
        {
            var channel = ShardedNames.RoomOn(shard, 3);
            var received = 0;
            await using var sub = await Bus.SubscribeAsync(ChannelName.Parse(channel), _ => Interlocked.Increment(ref received));
            var result = await Bus.PublishAsync(Message(channel, "x"));
            await Eventually.TrueAsync(() => received == 1, because: $"delivery on shard {shard}");
            Assert.Equal(1UL, result.Position.Offset);

            for (var other = 0; other < 3; other++)
            {
                await using var mux = await ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(shards.Servers.Urls[other]));
                Assert.Equal(other == shard, await mux.GetDatabase().KeyExistsAsync(_shards.All[other].Channels.Meta(channel)));
            }
        }
    }
}

[Collection("three shards")]
public sealed class ShardedHistoryStoreTests(ThreeShardsFixture shards) : HistoryStoreContract
{
    private RedisShards _shards = null!;

    public override Task InitializeAsync()
    {
        _shards = RedisTestConnections.Shards(RedisTestConnections.NewPrefix("s"), [.. shards.Servers.Urls]);
        Bus = new RedisMessageBus(_shards);
        Store = new RedisHistoryStore(_shards);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync() => await _shards.DisposeAsync();
}

[Collection("three shards")]
public sealed class ShardedPresenceStoreTests(ThreeShardsFixture shards) : PresenceStoreContract
{
    private RedisShards _shards = null!;

    public override Task InitializeAsync()
    {
        _shards = RedisTestConnections.Shards(RedisTestConnections.NewPrefix("s"), [.. shards.Servers.Urls]);
        Store = new RedisPresenceStore(_shards);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync() => await _shards.DisposeAsync();

    protected override Task ExpireAsync(TimeSpan ttl, Func<Task<bool>> expired) => Eventually.TrueAsync(expired, because: "the unrefreshed entry expires");

    [Fact]
    public async Task OneBatch_OverEveryShard_LandsOnEach()
    {
        var channels = Enumerable.Range(0, 3).Select(s => C(ShardedNames.RoomOn(s, 3))).ToList();
        await Store.AddAsync([.. channels.Select((c, i) => (c, new PresenceEntry($"c{i}", $"u{i}", "edge")))], TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal($"u{i}", Assert.Single(await Store.GetAsync(channels[i])).UserId);
        }
    }
}

/// <summary>Channel names known to live on a given shard.</summary>
internal static class ShardedNames
{
    public static string RoomOn(int shard, int shards, string stem = "r") =>
        Enumerable.Range(0, 1000).Select(i => $"room:{stem}{i}").First(c => JumpHash.Bucket(c, shards) == shard);
}
