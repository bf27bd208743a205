using System.Text.Json.Nodes;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Delivery;

/// <summary>Two edges and one dispatcher as real Kestrel servers on one real Redis.</summary>
public sealed class ClusteredDeliveryTests
{
    [Fact]
    public async Task Publish_ToUser_ReachesAllTheirConnectionsOnBothEdgesAndNobodyElse()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        await using var aliceOnA = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("alice"));
        await using var aliceOnB = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("alice"));
        await using var bobOnB = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("bob"));
        Assert.Equal("edge-a", (string?)aliceOnA.Welcome["server"]);
        Assert.Equal("edge-b", (string?)aliceOnB.Welcome["server"]);

        var published = await cluster.PublishToUserAsync("alice", """{"note":"hello alice"}""", "note.created");

        foreach (var client in new[] { aliceOnA, aliceOnB })
        {
            var msg = await client.NextMessageAsync("user:alice");
            Assert.Equal("note.created", (string?)msg["event"]);
            Assert.Equal("hello alice", (string?)msg["data"]!["note"]);
            Assert.Equal(published.MessageId, (string?)msg["id"]);
        }

        // Bob's own message arrives; alice's never reached him.
        await cluster.PublishToUserAsync("bob", """{"note":"hello bob"}""");
        await bobOnB.NextMessageAsync("user:bob");
        Assert.Empty(bobOnB.MessagesOn("user:alice"));
    }

    [Fact]
    public async Task Publish_ToRoom_ReachesOnlyMembers()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        await using var memberA = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("m1", ["lobby"]));
        await using var memberB = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("m2", ["lob*"]));
        await using var outsider = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("o1", ["lobby"]));
        Assert.True((bool?)(await memberA.SubscribeAsync("room:lobby"))["ok"]);
        Assert.True((bool?)(await memberB.SubscribeAsync("room:lobby"))["ok"]);

        await cluster.PublishToRoomAsync("lobby", """{"text":"hi"}""", "chat.message");

        Assert.Equal("hi", (string?)(await memberA.NextMessageAsync("room:lobby"))["data"]!["text"]);
        Assert.Equal("hi", (string?)(await memberB.NextMessageAsync("room:lobby"))["data"]!["text"]);

        // The outsider (allowed, but never subscribed) gets nothing from the room; a later user message proves it was listening.
        await cluster.PublishToUserAsync("o1");
        await outsider.NextMessageAsync("user:o1");
        Assert.Empty(outsider.MessagesOn("room:lobby"));
    }

    [Fact]
    public async Task Broadcast_ReachesEveryConnection()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                clients.Add(await TestClient.ConnectAsync(cluster.Edges[i % 2].WebSocketUrl, TestTokens.For($"u{i}")));
            }

            await cluster.BroadcastAsync("""{"maintenance":true}""", "system.notice");
            foreach (var client in clients)
            {
                var msg = await client.NextMessageAsync("broadcast");
                Assert.Equal("system.notice", (string?)msg["event"]);
                Assert.Null(msg["offset"]);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Unsubscribe_StopsDelivery()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["*"]));
        await client.SubscribeAsync("room:news");
        await cluster.PublishToRoomAsync("news", """{"n":1}""");
        await client.NextMessageAsync("room:news");

        var reply = await client.RequestAsync("unsubscribe", "room:news");
        Assert.True((bool?)reply["ok"]);
        await cluster.PublishToRoomAsync("news", """{"n":2}""");
        await cluster.PublishToUserAsync("u1", """{"sentinel":true}""");
        await client.NextMessageAsync("user:u1");
        await client.RequestAsync("ping");

        Assert.Single(client.MessagesOn("room:news"));
        await Eventually.TrueAsync(() => cluster.Edges[0].Services.BusChannelCount() == 2, because: "only user:u1 and broadcast stay subscribed on the bus");
    }

    [Fact]
    public async Task Subscribe_RoomNotInToken_IsForbidden()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["team-*"]));

        var reply = await client.SubscribeAsync("room:secret");
        Assert.False((bool?)reply["ok"]);
        Assert.Equal("forbidden", (string?)reply["error"]!["code"]);

        var other = await client.SubscribeAsync("user:someone-else");
        Assert.Equal("forbidden", (string?)other["error"]!["code"]);

        // A per-channel subscribe token signed by the backend opens exactly that room.
        var withToken = await client.RequestAsync("subscribe", "room:secret", token: TestTokens.ForChannel("u1", "room:secret"));
        Assert.True((bool?)withToken["ok"]);
        var wrongUser = await client.RequestAsync("subscribe", "room:vault", token: TestTokens.ForChannel("u2", "room:vault"));
        Assert.Equal("forbidden", (string?)wrongUser["error"]!["code"]);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong-key")]
    [InlineData("garbage")]
    [InlineData("missing")]
    public async Task Connect_WithBadToken_IsClosedWithAuthCode(string kind)
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        var token = kind switch
        {
            "expired" => TestTokens.For("u1", lifetime: TimeSpan.FromMinutes(-5)),
            "wrong-key" => TestTokens.For("u1", secret: "another-secret-that-is-long-enough-for-hs256"),
            "garbage" => "not.a.jwt",
            _ => null,
        };
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, token, expectWelcome: false);

        var status = await client.WaitForCloseAsync();
        Assert.Equal(kind == "expired" ? 4002 : 4001, (int?)status);
        Assert.DoesNotContain(client.Seen, o => (string?)o["op"] == "welcome");
    }

    [Fact]
    public async Task Connect_WithTokenInQueryOrSubprotocol_IsAccepted()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        var url = new Uri(cluster.Edges[0].WebSocketUrl + "?token=" + TestTokens.For("q1"));
        await using var viaQuery = await TestClient.ConnectAsync(url, token: null);
        Assert.Equal("q1", (string?)viaQuery.Welcome["user"]);

        await using var viaProtocol = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, token: null, configure: o => o.AddSubProtocol("bearer." + TestTokens.For("p1")));
        Assert.Equal("p1", (string?)viaProtocol.Welcome["user"]);
    }

    [Fact]
    public async Task Messages_ToOneChannel_ArriveInPublishOrder()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        await using var a = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("a", ["*"]));
        await using var b = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("b", ["*"]));
        await a.SubscribeAsync("room:ordered");
        await b.SubscribeAsync("room:ordered");

        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            await cluster.PublishToRoomAsync("ordered", $$"""{"i":{{i}}}""");
        }

        foreach (var client in new[] { a, b })
        {
            for (var i = 0; i < count; i++)
            {
                var msg = await client.NextMessageAsync("room:ordered");
                Assert.Equal(i, (int?)msg["data"]!["i"]);
                Assert.Equal((ulong)(i + 1), (ulong?)msg["offset"]);
            }
        }
    }

    [Fact]
    public async Task Ping_GetsAReply_AndMalformedCommandsGetErrors()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1"));
        Assert.True((bool?)(await client.RequestAsync("ping"))["ok"]);

        await client.SendRawAsync("{not json");
        var error = await client.NextAsync(o => (string?)o["op"] == "reply" && (bool?)o["ok"] == false);
        Assert.Equal("bad_request", (string?)error["error"]!["code"]);

        var unknown = await client.RequestAsync("explode");
        Assert.Equal("unknown_op", (string?)unknown["error"]!["code"]);
        var badChannel = await client.SubscribeAsync("room:{evil}");
        Assert.Equal("invalid_channel", (string?)badChannel["error"]!["code"]);

        // Two commands in one frame, separated by '\n', are both answered.
        await client.SendRawAsync("{\"op\":\"ping\",\"id\":901}\n{\"op\":\"ping\",\"id\":902}");
        await client.NextAsync(o => (long?)o["id"] == 901);
        await client.NextAsync(o => (long?)o["id"] == 902);
    }

    [Fact]
    public async Task OversizedClientMessage_ClosesWith1009_AndEdgeKeepsServingOthers()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var victim = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("v1"));
        await using var hostile = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("h1"));

        await hostile.SendRawAsync("{\"op\":\"ping\",\"pad\":\"" + new string('x', 20_000) + "\"}");
        Assert.Equal(1009, (int?)await hostile.WaitForCloseAsync());

        await cluster.PublishToUserAsync("v1", """{"still":"here"}""");
        Assert.Equal("here", (string?)(await victim.NextMessageAsync("user:v1"))["data"]!["still"]);
    }
}

internal static class ServiceProviderTestExtensions
{
    public static int BusChannelCount(this IServiceProvider services) =>
        ((Realtime.Edge.Subscriptions.SubscriptionTable)services.GetService(typeof(Realtime.Edge.Subscriptions.SubscriptionTable))!).ChannelCount;
}
