using Realtime.TestKit;

namespace Realtime.IntegrationTests.Connections;

/// <summary>Flooding: a command rate per connection, strikes as a rate, a per-user connection limit, a history budget.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task APingFlood_GetsRateLimitedReplies_ThenA4029Close()
    {
        // Outside finding: 20,000 pings were all answered; a subscribe/unsubscribe loop drove 4,300 Redis commands/s.
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:CommandBurst"] = "20", ["Realtime:Edge:CommandsPerSecond"] = "5" };
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: settings);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("flood", ["*"]));
        var frame = string.Join('\n', Enumerable.Range(1, 40).Select(i => i % 2 == 0
            ? $$"""{"op":"subscribe","id":{{i}},"channel":"room:f"}"""
            : $$"""{"op":"unsubscribe","id":{{i}},"channel":"room:f"}"""));
        try
        {
            for (var i = 0; i < 25; i++)
            {
                await client.SendRawAsync(frame);
            }
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            // closed under our feet: expected
        }

        Assert.Equal(4029, (int?)await client.WaitForCloseAsync());
        lock (client.Seen)
        {
            var replies = client.Seen.Where(o => (string?)o["op"] == "reply").ToList();
            Assert.InRange(replies.Count(r => (bool?)r["ok"] == true), 1, 40);
            Assert.Contains(replies, r => (string?)r["error"]?["code"] == "rate_limited");
        }
    }

    [Fact]
    public async Task MalformedCommands_AreLimitedAsARate_NotOverTheConnectionsLife()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:StrikesPerMinute"] = "60" }; // one strike back per second
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: settings);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("clumsy"));
        for (var i = 0; i < 60; i++)
        {
            await client.SendRawAsync("{not json");
        }

        Assert.True((bool?)(await client.RequestAsync("ping"))["ok"]); // 60 strikes: at the limit, still open
        await Task.Delay(TimeSpan.FromSeconds(3));
        await client.SendRawAsync("{not json"); // a strike came back meanwhile
        Assert.True((bool?)(await client.RequestAsync("ping"))["ok"]);

        try
        {
            for (var i = 0; i < 20; i++)
            {
                await client.SendRawAsync("{not json");
            }
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            // the edge closed the socket under our feet: expected
        }

        Assert.Equal(1008, (int?)await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task PerUserConnectionLimit_HoldsAcrossEdges()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:MaxConnectionsPerUser"] = "2" };
        await using var cluster = await Cluster.StartAsync(edges: 2, dispatchers: 0, settings: settings);
        await using var onA = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("many"));
        await using var onB = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("many"));
        await using var third = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("many"), expectWelcome: false);
        Assert.Equal(4029, (int?)await third.WaitForCloseAsync());
        Assert.DoesNotContain(third.Seen, o => (string?)o["op"] == "welcome");

        await using var other = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("someone-else"));
        await onB.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            await using var again = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("many"), expectWelcome: false);
            try
            {
                await again.NextAsync(o => (string?)o["op"] == "welcome", TimeSpan.FromSeconds(5));
                return true;
            }
            catch (InvalidOperationException)
            {
                return false; // closed with 4029: the slot is not free yet
            }
        }, TimeSpan.FromSeconds(20), "a slot frees when a connection of the user closes");
    }

    [Fact]
    public async Task HistoryPulledThroughRecovery_IsBoundedPerConnection()
    {
        // Outside finding: 20 small `subscribe … since:0` on a room of 100 × 64 KB made Redis send 130 MB to the edge.
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:HistoryBytesPerMinute"] = "100000" };
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: settings);
        var big = "\"" + new string('h', 20_000) + "\"";
        for (var i = 0; i < 10; i++)
        {
            await cluster.PublishToRoomAsync("archive", big);
        }

        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("reader", ["*"]));
        var first = await client.SubscribeAsync("room:archive", epoch: string.Empty, offset: 0);
        Assert.True((bool?)first["ok"]);
        var refused = 0;
        for (var i = 0; i < 5; i++)
        {
            var again = await client.SubscribeAsync("room:archive", epoch: string.Empty, offset: 0);
            if ((string?)again["error"]?["code"] == "rate_limited")
            {
                refused++;
            }
        }

        Assert.True(refused >= 4, $"only {refused} of 5 re-reads were refused");
        Assert.InRange(client.MessagesOn("room:archive").Count, 10, 20); // one page, plus at most one overshooting page
    }
}
