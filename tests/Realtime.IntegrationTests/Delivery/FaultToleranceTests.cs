using System.Net;
using System.Net.WebSockets;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Delivery;

/// <summary>Slow consumers, draining and hostile input: nothing crashes, leaks, or costs other users their messages.</summary>
public sealed class FaultToleranceTests
{
    [Fact]
    public async Task SlowConsumer_IsDisconnectedAndCounted_OthersKeepReceiving()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:SendQueueBytes"] = "200000" };
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: settings);
        await using var healthy = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("healthy", ["*"]));
        await healthy.SubscribeAsync("room:firehose");

        // A client that subscribes and then never reads again.
        using var stalled = new ClientWebSocket();
        stalled.Options.AddSubProtocol("realtime.v1.json");
        stalled.Options.SetRequestHeader("Authorization", "Bearer " + TestTokens.For("stalled", ["*"]));
        await stalled.ConnectAsync(cluster.Edges[0].WebSocketUrl, CancellationToken.None);
        await stalled.SendAsync("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"room:firehose\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = cluster.Edges[0].HttpUrl };
        await Eventually.TrueAsync(async () => (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Contains("realtime_edge_subscriptions 6", StringComparison.Ordinal), because: "both connections are in user, broadcast and the room");

        var big = "\"" + new string('x', 60_000) + "\"";
        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            await cluster.PublishToRoomAsync("firehose", big);
            await healthy.NextMessageAsync("room:firehose");
        }

        await Eventually.TrueAsync(async () =>
        {
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            return metrics.Contains("realtime_edge_send_queue_drops_total 1", StringComparison.Ordinal)
                && metrics.Contains("realtime_edge_connections 1", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "the stalled connection is closed as a slow consumer and released");

        Assert.Equal(count, healthy.MessagesOn("room:firehose").Count);
        await cluster.PublishToRoomAsync("firehose", "{\"after\":true}");
        Assert.True((bool?)(await healthy.NextMessageAsync("room:firehose"))["data"]!["after"]);
    }

    [Fact]
    public async Task Drain_FlipsReadinessAndMovesClientsWithReconnectHint()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:DrainSeconds"] = "2" };
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: settings);
        var edge = cluster.Edges[0];
        await using var client = await TestClient.ConnectAsync(edge.WebSocketUrl, TestTokens.For("d1"));
        using var http = new HttpClient { BaseAddress = edge.HttpUrl };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode);

        var stopping = edge.StopAsync();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable;
            }
            catch (HttpRequestException)
            {
                return true; // already shut down
            }
        }, because: "readiness fails as soon as draining starts");

        Assert.Equal(1012, (int?)await client.WaitForCloseAsync());
        var hint = Assert.Single(client.Seen, o => (string?)o["op"] == "reconnect");
        Assert.Equal("draining", (string?)hint["reason"]);
        await stopping;
    }

    [Fact]
    public async Task HostileInput_NeverCrashesTheEdge()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var inputs = new[]
        {
            "{\"op\":\"subscribe\",\"id\":101,\"channel\":\"" + new string('a', 3000) + "\"}",
            "{\"op\":\"subscribe\",\"id\":102,\"channel\":\"room:a\",\"since\":{\"epoch\":\"" + new string('e', 1000) + "\",\"offset\":18446744073709551615}}",
            "{\"op\":\"subscribe\",\"id\":103,\"channel\":\"room:x\",\"token\":\"" + new string('t', 3000) + "\"}",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            "{\"op\":\"unsubscribe\",\"id\":104,\"channel\":\"broadcast\"}",
            "{\"op\":\"unsubscribe\",\"id\":105,\"channel\":\"room:never\"}",
            "\u0000\u0001\u0002",
            "{\"op\":\"ping\",\"id\":99999999999999999999999}",
        };
        await using (var hostile = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("h", ["*"])))
        {
            foreach (var input in inputs)
            {
                await hostile.SendRawAsync(input);
            }

            Assert.True((bool?)(await hostile.RequestAsync("ping"))["ok"]);
            Assert.DoesNotContain(hostile.Seen, o => (string?)o["op"] == "msg");
        }

        await using (var binary = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("b")))
        {
            await binary.SendBinaryAsync([1, 2, 3]);
            Assert.Equal(1003, (int?)await binary.WaitForCloseAsync());
        }

        // Subscription limit: channels per connection are bounded.
        var limited = new Dictionary<string, string?> { ["Realtime:Edge:MaxSubscriptionsPerConnection"] = "4" };
        await using var small = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: limited);
        await using var greedy = await TestClient.ConnectAsync(small.Edges[0].WebSocketUrl, TestTokens.For("g", ["*"]));
        Assert.True((bool?)(await greedy.SubscribeAsync("room:1"))["ok"]);
        Assert.True((bool?)(await greedy.SubscribeAsync("room:2"))["ok"]);
        Assert.Equal("limit_exceeded", (string?)(await greedy.SubscribeAsync("room:3"))["error"]!["code"]);

        await using var fine = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("fine"));
        await cluster.PublishToUserAsync("fine", "{\"ok\":true}");
        Assert.True((bool?)(await fine.NextMessageAsync("user:fine"))["data"]!["ok"]);
    }
}
