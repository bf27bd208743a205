using Realtime.Core.Events;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Events;

public sealed class LifecycleEventTests
{
    [Fact]
    public async Task EachEventType_IsProducedOnceByTheActionThatCausesIt()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        await using var reader = new EventStreamReader(cluster);
        var edge = cluster.Edges[0];

        await using var first = await TestClient.ConnectAsync(edge.WebSocketUrl, TestTokens.For("ann", ["*"]));
        await using var second = await TestClient.ConnectAsync(edge.WebSocketUrl, TestTokens.For("ann", ["*"]));
        var c1 = (string)first.Welcome["conn"]!;
        var c2 = (string)second.Welcome["conn"]!;
        await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Connected) == 2, "both connected");

        await first.SubscribeAsync("room:one");
        await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.PresenceJoin), "the first subscribe");
        await second.SubscribeAsync("room:one");
        await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Subscribed) == 2, "the second subscribe");
        await second.RequestAsync("unsubscribe", "room:one");
        await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Unsubscribed), "the unsubscribe");
        await first.DisposeAsync();
        await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Disconnected) == 1, "the first close");
        await second.DisposeAsync();
        var all = await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Disconnected) == 2, "the second close");

        Assert.Equal(
            [
                (EventTypes.Connected, c1, "", ""),
                (EventTypes.Connected, c2, "", ""),
                (EventTypes.ChannelOccupied, c1, "room:one", ""),
                (EventTypes.Subscribed, c1, "room:one", ""),
                (EventTypes.PresenceJoin, c1, "room:one", ""),
                (EventTypes.Subscribed, c2, "room:one", ""),
                (EventTypes.Unsubscribed, c2, "room:one", DisconnectReasons.ClientUnsubscribe),
                (EventTypes.Unsubscribed, c1, "room:one", DisconnectReasons.Disconnect),
                (EventTypes.PresenceLeave, c1, "room:one", DisconnectReasons.Disconnect),
                (EventTypes.ChannelVacated, c1, "room:one", ""),
                (EventTypes.Disconnected, c1, "", DisconnectReasons.ClientClose),
                (EventTypes.Disconnected, c2, "", DisconnectReasons.ClientClose),
            ],
            all.Select(e => (e.Type, e.Connection, e.Channel, e.Reason)));
        Assert.All(all, e => Assert.Equal("edge-a", e.Server));

        // Per-user events are numbered 1, 2, … in stream order; channel events per channel.
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), all.Where(e => !EventTypes.IsChannelScoped(e.Type)).Select(e => e.Seq));
        Assert.Equal([1L, 2L], all.Where(e => EventTypes.IsChannelScoped(e.Type)).Select(e => e.Seq));
        Assert.Equal(0, (await reader.Log.GetOccupancyAsync("room:one")).Clients);
    }

    [Fact]
    public async Task Disconnected_CarriesTheServerCloseReason()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 1);
        await using var reader = new EventStreamReader(cluster);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("bo", ["*"]));
        await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Connected), "connected");
        await cluster.Client.DisconnectAsync(new Realtime.V1.DisconnectRequest { User = "bo", Reason = "bye now" });
        await client.WaitForCloseAsync();
        var all = await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Disconnected), "disconnected");
        var disconnected = all.Single(e => e.Type == EventTypes.Disconnected);
        Assert.Equal((DisconnectReasons.ServerClose, 4009), (disconnected.Reason, disconnected.Code));
    }
}
