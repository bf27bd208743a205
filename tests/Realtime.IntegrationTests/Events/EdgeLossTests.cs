using Microsoft.Extensions.DependencyInjection;
using Realtime.Core.Events;
using Realtime.Core.Instances;
using Realtime.Edge.Events;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Events;

public sealed class EdgeLossTests
{
    private static readonly Dictionary<string, string?> FastLoss = new()
    {
        ["Realtime:Events:EdgeLostAfterSeconds"] = "2",
        ["Realtime:Events:SweepSeconds"] = "1",
    };

    [Fact]
    public async Task AnEdgeThatDies_HasItsConnectionsReportedOnce_AsEdgeLost_WithTheChannelsThatEmptied()
    {
        // Two dispatchers sweep concurrently: the reap must still be once per connection.
        await using var cluster = await Cluster.StartAsync(edges: 2, dispatchers: 2, settings: FastLoss);
        await using var reader = new EventStreamReader(cluster);
        var doomed = cluster.Edges[0];
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var client = await TestClient.ConnectAsync(doomed.WebSocketUrl, TestTokens.For($"u{i % 20}", ["*"]));
                clients.Add(client);
                await client.SubscribeAsync($"room:r{i % 10}");
            }

            // room:r0 keeps a member on the surviving edge: it must not be vacated.
            var survivor = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("survivor", ["*"]));
            clients.Add(survivor);
            await survivor.SubscribeAsync("room:r0");
            await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Subscribed) == 101, "every subscribe is recorded");

            // "SIGKILL": from now on the edge writes nothing and stops refreshing its alive mark.
            doomed.Services.GetRequiredService<EdgeEventSink>().SimulateCrash();
            doomed.FailOnErrorLogs = false;
            await doomed.DisposeAsync();
            cluster.Edges.Remove(doomed);

            var all = await reader.WaitForAsync(
                e => e.Count(x => x.Type == EventTypes.Disconnected && x.Reason == DisconnectReasons.EdgeLost) == 100 && e.Count(x => x.Type == EventTypes.ChannelVacated) == 9,
                "the sweep reaps the lost edge");

            // A second reaper (the operator's removal, a restarted dispatcher) finds nothing left.
            Assert.Equal(0, await reader.Log.ReapEdgeAsync(doomed.ServerId));
            await cluster.Dispatchers[1].Services.GetRequiredService<IInstanceRegistry>().RemoveAsync(doomed.ServerId);
            await cluster.Dispatchers[0].StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(3)); // several more sweeps of the remaining dispatcher
            all = await reader.AllAsync();

            var lost = all.Where(x => x.Type == EventTypes.Disconnected).ToList();
            Assert.Equal(100, lost.Count);
            Assert.All(lost, x => Assert.Equal((DisconnectReasons.EdgeLost, doomed.ServerId), (x.Reason, x.Server)));
            Assert.Equal(100, lost.Select(x => x.Connection).Distinct().Count());
            Assert.Equal(100, all.Count(x => x.Type == EventTypes.Unsubscribed && x.Reason == DisconnectReasons.Disconnect));
            Assert.Equal(Enumerable.Range(1, 9).Select(i => $"room:r{i}"), all.Where(x => x.Type == EventTypes.ChannelVacated).Select(x => x.Channel).Order());
            Assert.Equal(20, all.Count(x => x.Type == EventTypes.PresenceLeave));
            Assert.Equal(1, (await reader.Log.GetOccupancyAsync("room:r0")).Clients);
            Assert.Equal(0, (await reader.Log.GetOccupancyAsync("room:r5")).Clients);
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
    public async Task RemovingAnotherEdgeFromTheRegistry_ReapsItAtOnce_ButAnEdgeRemovingItselfIsNotLost()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 1);
        await using var reader = new EventStreamReader(cluster);
        var edge = cluster.Edges[0];
        await using var client = await TestClient.ConnectAsync(edge.WebSocketUrl, TestTokens.For("ra", ["*"]));
        await client.SubscribeAsync("room:x");
        await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Subscribed), "subscribed");

        // The edge's own registry removal (drain) reaps nothing.
        await edge.Services.GetRequiredService<IInstanceRegistry>().RemoveAsync(edge.ServerId);
        Assert.DoesNotContain(await reader.AllAsync(), x => x.Type == EventTypes.Disconnected);

        // The operator's (here: the dispatcher's registry) removal of another edge does.
        await cluster.Dispatchers[0].Services.GetRequiredService<IInstanceRegistry>().RemoveAsync(edge.ServerId);
        var all = await reader.AllAsync();
        Assert.Equal(
            [EventTypes.Unsubscribed, EventTypes.PresenceLeave, EventTypes.ChannelVacated, EventTypes.Disconnected],
            all.SkipWhile(x => x.Type != EventTypes.PresenceJoin).Skip(1).Select(x => x.Type));
        Assert.Equal(DisconnectReasons.EdgeLost, all[^1].Reason);

        // When the connection then really closes, its own disconnect adds nothing.
        await client.DisposeAsync();
        await Task.Delay(500);
        Assert.Equal(all.Count, (await reader.AllAsync()).Count);
    }
}
