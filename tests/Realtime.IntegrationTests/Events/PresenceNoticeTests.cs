using Grpc.Net.Client;
using Realtime.Core.Events;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.IntegrationTests.Events;

public sealed class PresenceNoticeTests
{
    [Fact]
    public async Task JoinAndLeave_ReachMembersOfAnOptedInNamespace_AndNotOthers()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2, dispatchers: 0, settings: new Dictionary<string, string?>
        {
            ["Realtime:Presence:NotifyNamespaces:0"] = "room:game-*",
        });
        await using var alice = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("alice", ["*"]));
        await using var carol = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("carol", ["*"]));
        await using var bob = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("bob", ["*"]));
        await alice.SubscribeAsync("room:game-1");
        await alice.SubscribeAsync("room:chat");
        await carol.SubscribeAsync("room:game-2");
        var bobConn = (string)bob.Welcome["conn"]!;

        await bob.SubscribeAsync("room:chat");
        await bob.SubscribeAsync("room:game-1");
        var join = await alice.NextAsync(o => (string?)o["op"] == "join" && (string?)o["user"] == "bob");
        Assert.Equal("""{"op":"join","channel":"room:game-1","user":"bob","conn":"BOB"}""".Replace("BOB", bobConn, StringComparison.Ordinal), join.ToJsonString());

        await bob.RequestAsync("unsubscribe", "room:game-1");
        var leave = await alice.NextAsync(o => (string?)o["op"] == "leave" && (string?)o["user"] == "bob");
        Assert.Equal("""{"op":"leave","channel":"room:game-1","user":"bob","conn":"BOB"}""".Replace("BOB", bobConn, StringComparison.Ordinal), leave.ToJsonString());

        // A closing connection's leave reaches the members too.
        await bob.SubscribeAsync("room:game-1");
        await alice.NextAsync(o => (string?)o["op"] == "join" && (string?)o["user"] == "bob");
        await bob.DisposeAsync();
        await alice.NextAsync(o => (string?)o["op"] == "leave" && (string?)o["user"] == "bob");

        await Task.Delay(500);
        lock (alice.Seen)
        {
            Assert.DoesNotContain(alice.Seen, o => (string?)o["op"] is "join" or "leave" && (string?)o["channel"] == "room:chat");
            Assert.Contains(alice.Seen, o => (string?)o["op"] == "join" && (string?)o["user"] == "alice"); // members hear their own join too
        }

        lock (carol.Seen)
        {
            // Carol is in room:game-2 only: she hears her own join there, nothing of room:game-1.
            Assert.Equal(["room:game-2"], carol.Seen.Where(o => (string?)o["op"] is "join" or "leave").Select(o => (string?)o["channel"]));
        }
    }

    [Fact]
    public async Task PresenceStatsAndUserConnections_ComeFromTheCounters()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2, dispatchers: 1);
        await using var reader = new EventStreamReader(cluster);
        using var channel = GrpcChannel.ForAddress(cluster.Dispatchers[0].GrpcUrl!);
        var events = new Realtime.V1.Events.EventsClient(channel);
        await using var a1 = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("sa", ["*"]));
        await using var a2 = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("sa", ["*"]));
        await using var b1 = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("sb", ["*"]));
        await a1.SubscribeAsync("room:stats");
        await a1.SubscribeAsync("room:other");
        await a2.SubscribeAsync("room:stats");
        await b1.SubscribeAsync("room:stats");
        await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Subscribed) == 4, "subscribed");

        var stats = await events.GetPresenceStatsAsync(new GetPresenceStatsRequest { Channel = "room:stats" });
        Assert.Equal((3L, 2L), (stats.Clients, stats.Users));

        var where = await events.GetUserConnectionsAsync(new GetUserConnectionsRequest { User = "sa" });
        Assert.Equal(
            [((string)a1.Welcome["conn"]!, "edge-a", "room:other,room:stats"), ((string)a2.Welcome["conn"]!, "edge-b", "room:stats")],
            where.Connections.Select(c => (c.ConnectionId, c.Server, string.Join(',', c.Channels))).OrderBy(c => c.Server, StringComparer.Ordinal));

        await a2.DisposeAsync();
        await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Disconnected), "a2 closed");
        stats = await events.GetPresenceStatsAsync(new GetPresenceStatsRequest { Channel = "room:stats" });
        Assert.Equal((2L, 2L), (stats.Clients, stats.Users));
        Assert.Single((await events.GetUserConnectionsAsync(new GetUserConnectionsRequest { User = "sa" })).Connections);
    }
}
