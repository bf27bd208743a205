using Realtime.Redis;
using Realtime.TestKit;
using StackExchange.Redis;

namespace Realtime.IntegrationTests.History;

public sealed class ResyncTests
{
    [Fact]
    public async Task EdgeLosesItsRedisSubscriptions_MessagesPublishedMeanwhileStillArrive_InOrderOnce()
    {
        await using var redis = await RedisServer.StartPrivateAsync(); // this test refuses new Redis connections for a while
        await using var cluster = await Cluster.StartAsync(edges: 1, redisUrl: redis.Url);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("r", ["*"]));
        await client.SubscribeAsync("room:flaky");
        await cluster.PublishToRoomAsync("flaky", """{"n":0}""");
        await client.NextMessageAsync("room:flaky");

        // Cut the edge's pub/sub connection and keep it from coming back (Redis refuses new
        // connections) while the dispatcher keeps publishing through its open one.
        var admin = RedisUrl.Parse(cluster.RedisUrl);
        admin.AllowAdmin = true;
        await using var mux = await ConnectionMultiplexer.ConnectAsync(admin);
        var server = mux.GetServers()[0];
        await server.ExecuteAsync("CONFIG", "SET", "maxclients", "1");
        await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        const int count = 30;
        try
        {
            for (var n = 1; n <= count; n++)
            {
                await cluster.PublishToRoomAsync("flaky", $$"""{"n":{{n}}}""");
            }

            Assert.DoesNotContain(client.MessagesOn("room:flaky"), m => (int?)m["data"]!["n"] > 0);
        }
        finally
        {
            await server.ExecuteAsync("CONFIG", "SET", "maxclients", "10000");
        }

        for (var n = 1; n <= count; n++)
        {
            var msg = await client.NextMessageAsync("room:flaky");
            Assert.Equal(n, (int?)msg["data"]!["n"]);
            Assert.Equal((ulong)(n + 1), (ulong?)msg["offset"]);
        }

        await cluster.PublishToRoomAsync("flaky", """{"n":"after"}""");
        Assert.Equal("after", (string?)(await client.NextMessageAsync("room:flaky"))["data"]!["n"]);
        Assert.Equal(count + 2, client.MessagesOn("room:flaky").Count);
    }
}
