using Microsoft.Extensions.DependencyInjection;
using Realtime.Redis;
using Realtime.TestKit;
using Realtime.V1;
using StackExchange.Redis;

namespace Realtime.IntegrationTests.Delivery;

/// <summary>The path past one Redis: a real three-shard Redis Cluster, sharded pub/sub, hash-tagged keys.</summary>
public sealed class RedisClusterTests
{
    [Fact]
    public async Task OnRedisCluster_RoomsAcrossShards_DeliverInOrder_AndRecover()
    {
        await using var redis = await RedisClusterServer.StartAsync();
        await using var cluster = await Cluster.StartAsync(edges: 2, redisUrl: redis.Url);
        var rooms = Enumerable.Range(0, 6).Select(i => $"shard{i}").ToArray(); // spread over the slots of all three shards
        await using var a = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("a", ["*"]));
        await using var b = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("b", ["*"]));
        foreach (var room in rooms)
        {
            await a.SubscribeAsync($"room:{room}");
            await b.SubscribeAsync($"room:{room}");
        }

        for (var i = 1; i <= 5; i++)
        {
            foreach (var room in rooms)
            {
                await cluster.PublishToRoomAsync(room, $$"""{"i":{{i}}}""");
            }
        }

        foreach (var client in new[] { a, b })
        {
            await Eventually.TrueAsync(() => rooms.All(r => client.MessagesOn($"room:{r}").Count == 5), because: "every room's messages reach both edges");
            foreach (var room in rooms)
            {
                Assert.Equal([1UL, 2, 3, 4, 5], client.MessagesOn($"room:{room}").Select(m => (ulong)m["offset"]!));
            }
        }

        // User channels, broadcast and recovery work the same way.
        await cluster.PublishToUserAsync("b", """{"hi":"b"}""");
        Assert.Equal("b", (string?)(await b.NextMessageAsync("user:b"))["data"]!["hi"]);
        await cluster.BroadcastAsync("""{"all":true}""");
        await a.NextMessageAsync("broadcast");
        var epoch = (string)a.MessagesOn("room:shard3")[0]["epoch"]!;
        await using var late = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("late", ["*"]));
        var reply = await late.SubscribeAsync("room:shard3", epoch, 2);
        Assert.True((bool?)reply["recovered"]);
        Assert.Equal(3UL, (ulong?)(await late.NextMessageAsync("room:shard3"))["offset"]);

        var presence = await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:shard3" });
        Assert.Equal(3u, presence.Users);

        // The edges use sharded pub/sub: the shard owning the channel's slot has both edges' SSUBSCRIBE.
        Assert.True(cluster.Edges[0].Services.GetRequiredService<RedisConnection>().IsCluster);
        var admin = RedisUrl.Parse(redis.Url);
        admin.AllowAdmin = true;
        await using var mux = await ConnectionMultiplexer.ConnectAsync(admin);
        long subscribers = 0;
        foreach (var server in mux.GetServers())
        {
            var numsub = (RedisResult[])(await server.ExecuteAsync("PUBSUB", "SHARDNUMSUB", $"{cluster.Prefix}:{{room:shard3}}"))!;
            subscribers += (long)numsub[1];
        }

        Assert.Equal(2, subscribers);
    }
}
