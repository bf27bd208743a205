using System.Net.WebSockets;
using Grpc.Core;
using Realtime.Redis;
using Realtime.TestKit;
using StackExchange.Redis;

namespace Realtime.IntegrationTests.Delivery;

/// <summary>
/// Redis answering errors that are not disconnects (READONLY during a failover): local state is
/// cleaned up whatever Redis answers, clients get documented close codes, publishers UNAVAILABLE.
/// </summary>
public sealed class RedisErrorTests
{
    [Fact]
    public async Task ReadOnlyWindow_LeavesNoLeakedSlots_NewcomersGetAWelcomeOrACode_PublishesAreUnavailable()
    {
        await using var redis = await RedisServer.StartPrivateAsync(); // this test turns the server into a replica
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:MaxConnections"] = "3" };
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: settings, redisUrl: redis.Url);
        cluster.Edges[0].FailOnErrorLogs = false;
        cluster.Dispatchers[0].FailOnErrorLogs = false;
        var url = cluster.Edges[0].WebSocketUrl;
        var first = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            var c = await TestClient.ConnectAsync(url, TestTokens.For($"ro{i}", ["*"]));
            await c.SubscribeAsync("room:ro");
            first.Add(c);
        }

        var admin = RedisUrl.Parse(redis.Url);
        admin.AllowAdmin = true;
        await using var mux = await ConnectionMultiplexer.ConnectAsync(admin);
        var server = mux.GetServers()[0];
        await server.ExecuteAsync("REPLICAOF", "127.0.0.1", RedisServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            // Publishing into history in the window: UNAVAILABLE (retryable), not UNKNOWN.
            var publish = await Assert.ThrowsAsync<RpcException>(() => cluster.PublishToRoomAsync("ro", """{"n":1}"""));
            Assert.Equal(StatusCode.Unavailable, publish.StatusCode);

            // Everyone leaves during the window: their slots must come back.
            foreach (var c in first)
            {
                await c.DisposeAsync();
            }

            var registry = cluster.Edges[0].Services.GetService(typeof(Realtime.Edge.Connections.ConnectionRegistry)) as Realtime.Edge.Connections.ConnectionRegistry;
            await Eventually.TrueAsync(() => registry!.Count == 0 && registry.Reserved == 0, TimeSpan.FromSeconds(20), "connections that left in the window are removed");

            // A newcomer in the window is welcomed (presence is best effort) or closed with a code, never 1006.
            try
            {
                await using var during = await TestClient.ConnectAsync(url, TestTokens.For("during", ["*"]));
                Assert.Equal("welcome", (string?)during.Welcome["op"]);
            }
            catch (InvalidOperationException)
            {
                // Closed before the welcome: the test client reports the close; it must carry a code.
            }
        }
        finally
        {
            await server.ExecuteAsync("REPLICAOF", "NO", "ONE");
        }

        for (var i = 0; i < 3; i++)
        {
            await using var after = await TestClient.ConnectAsync(url, TestTokens.For($"after{i}", ["*"]));
            Assert.Equal("welcome", (string?)after.Welcome["op"]);
        }

        await cluster.PublishToRoomAsync("ro", """{"n":2}""");
    }
}
