using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.IntegrationTests.Delivery;

public sealed class PresenceTests
{
    [Fact]
    public async Task GetPresence_ShowsWhoIsInARoomAndOnWhichEdge_AndFollowsLeaves()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        await using var alice = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("alice", ["*"]));
        await using var bob = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("bob", ["*"]));
        await alice.SubscribeAsync("room:here");
        await bob.SubscribeAsync("room:here");

        var presence = await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:here" });
        Assert.Equal(2u, presence.Users);
        // Pages come in connection-id order (stable paging), so compare as a set.
        Assert.Equal([("alice", "edge-a"), ("bob", "edge-b")], presence.Clients.Select(c => (c.User, c.ServerId)).Order());
        Assert.Equal((string?)alice.Welcome["conn"], presence.Clients.Single(c => c.User == "alice").ConnectionId);

        await alice.RequestAsync("unsubscribe", "room:here");
        Assert.Equal(["bob"], (await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:here" })).Clients.Select(c => c.User));

        // A user's own channel tells where the user is connected.
        Assert.Equal(["edge-b"], (await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "user:bob" })).Clients.Select(c => c.ServerId));
        await bob.DisposeAsync();
        await Eventually.TrueAsync(async () => (await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "user:bob" })).Clients.Count == 0, because: "a closed connection leaves presence");
        Assert.Empty((await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:here" })).Clients);
    }
}
