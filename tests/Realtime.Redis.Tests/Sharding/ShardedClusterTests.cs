using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.Redis.Tests.Sharding;

/// <summary>Edges and a dispatcher in sharded mode over three real redis-server processes.</summary>
public sealed class ShardedClusterTests
{
    [Fact]
    public async Task ChannelsOnEveryShard_Deliver_KeepHistory_Recover_AndShowPresence()
    {
        await using var servers = await RedisShardSet.StartAsync(3);
        await using var cluster = await Cluster.StartAsync(edges: 2, settings: servers.Settings(), redisUrl: servers.Urls[0]);
        await using var alice = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("alice", ["*"]));

        for (var shard = 0; shard < 3; shard++)
        {
            var channel = ShardedNames.RoomOn(shard, 3, "c");
            var room = channel["room:".Length..];
            await alice.SubscribeAsync(channel);
            for (var n = 1; n <= 3; n++)
            {
                await cluster.PublishToRoomAsync(room, $$"""{"n":{{n}}}""");
            }

            for (var n = 1; n <= 3; n++)
            {
                Assert.Equal(n, (int?)(await alice.NextMessageAsync(channel))["data"]!["n"]);
            }

            var history = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = channel });
            Assert.Equal(3, history.Messages.Count);

            // A client on the other edge recovers from offset 1.
            await using var bob = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("bob", ["*"]));
            var reply = await bob.SubscribeAsync(channel, history.Epoch, 1);
            Assert.True((bool?)reply["recovered"], $"recovery on shard {shard}");
            Assert.Equal(2, (int?)(await bob.NextMessageAsync(channel))["data"]!["n"]);
            Assert.Equal(3, (int?)(await bob.NextMessageAsync(channel))["data"]!["n"]);

            await Eventually.TrueAsync(async () =>
                (await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = channel })).Clients.Select(c => c.User).Order().SequenceEqual(["alice", "bob"]),
                because: $"presence on shard {shard}");
        }

        // The user channel lives on its own shard too.
        await cluster.PublishToUserAsync("alice", """{"to":"alice"}""");
        Assert.Equal("alice", (string?)(await alice.NextMessageAsync("user:alice"))["data"]!["to"]);
    }

    [Fact]
    public async Task OneShardDown_AffectsOnlyItsChannels_WhichRecoverWhenItReturns()
    {
        await using var servers = await RedisShardSet.StartAsync(3);
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: servers.Settings(new Dictionary<string, string?> { ["Realtime:Redis:OperationTimeoutMs"] = "1000" }), redisUrl: servers.Urls[0]);
        foreach (var host in cluster.Edges.Concat(cluster.Dispatchers))
        {
            host.FailOnErrorLogs = false; // a shard going away is logged loudly, as it should be
        }

        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u", ["*"]));
        var channels = Enumerable.Range(0, 3).Select(s => ShardedNames.RoomOn(s, 3, "d")).ToArray();
        foreach (var channel in channels)
        {
            await client.SubscribeAsync(channel);
        }

        const int down = 1;
        await servers.StopShardAsync(down);

        var error = await Assert.ThrowsAsync<RpcException>(() => cluster.PublishToRoomAsync(channels[down]["room:".Length..]));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        foreach (var up in new[] { 0, 2 })
        {
            await cluster.PublishToRoomAsync(channels[up]["room:".Length..], """{"while":"down"}""");
            Assert.Equal("down", (string?)(await client.NextMessageAsync(channels[up]))["data"]!["while"]);
        }

        // Still ready (the other shards serve their channels), and the readiness JSON says which shard is down.
        using var http = new HttpClient { BaseAddress = cluster.Edges[0].HttpUrl };
        var ready = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("down", (string?)body["checks"]!["broker"]!["data"]!["shard-1"]);
        Assert.Equal("up", (string?)body["checks"]!["broker"]!["data"]!["shard-0"]);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("realtime_broker_shard_up{shard=\"1\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("realtime_broker_shard_up{shard=\"0\"} 1", metrics, StringComparison.Ordinal);

        await servers.StartShardAsync(down);

        // Publishing works again, and the edge's subscription is back (a message published in the
        // instant before it resubscribed may be missed: plain pub/sub is at-most-once, so retry).
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await cluster.PublishToRoomAsync(channels[down]["room:".Length..], """{"while":"back"}""");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }

            try
            {
                await client.NextMessageAsync(channels[down], TimeSpan.FromSeconds(1));
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(40), "the returned shard's channel delivers again");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode);
    }
}
