using Realtime.TestKit;

namespace Realtime.IntegrationTests.Connections;

public sealed class TokenLifetimeTests
{
    [Fact]
    public async Task ASubscriptionOpenedByASubscribeToken_EndsWhenThatTokenExpires()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Auth:ClockSkewSeconds"] = "0" };
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: settings);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("guest"));
        var token = TestTokens.For("guest", lifetime: TimeSpan.FromSeconds(3), extra: new Dictionary<string, object> { ["channel"] = "room:vip" });
        var reply = await client.RequestAsync("subscribe", "room:vip", token: token);
        Assert.True((bool?)reply["ok"]);
        await cluster.PublishToRoomAsync("vip", """{"n":1}""");
        await client.NextMessageAsync("room:vip");

        var ended = await client.NextAsync(o => (string?)o["op"] == "unsubscribed", TimeSpan.FromSeconds(20));
        Assert.Equal("room:vip", (string?)ended["channel"]);
        Assert.Equal("token_expired", (string?)ended["reason"]);

        await cluster.PublishToRoomAsync("vip", """{"n":2}""");
        var ping = await client.RequestAsync("ping"); // the connection itself lives on
        Assert.True((bool?)ping["ok"]);
        await cluster.PublishToUserAsync("guest", "{}");
        await client.NextMessageAsync("user:guest");
        Assert.DoesNotContain(client.MessagesOn("room:vip"), m => (int?)m["data"]!["n"] == 2);
    }

    [Fact]
    public async Task AConnectionTokenWithinTheClockSkew_IsNotClosedRightAfterTheWelcome()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("late", lifetime: TimeSpan.FromSeconds(-5)));
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // more than two expiry checks
        Assert.True((bool?)(await client.RequestAsync("ping"))["ok"]);
        Assert.Null(client.CloseStatus);
    }

    [Fact]
    public async Task ASubscribeToken_CannotOpenAConnection()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.ForChannel("u1", "room:vip"), expectWelcome: false);
        Assert.Equal(4001, (int?)await client.WaitForCloseAsync());
    }
}
