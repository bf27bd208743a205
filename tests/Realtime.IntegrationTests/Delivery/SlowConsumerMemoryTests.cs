using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Edge.Connections;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Delivery;

public sealed class SlowConsumerMemoryTests
{
    [Fact]
    public async Task NonReadingClients_CostAtMostTheirByteLimitEach_AndAreClosedAsSlowConsumers()
    {
        // Outside finding: four non-reading clients sent 1,000 × 60 KB each took the edge from 194 to 437 MB.
        const int limit = 256 * 1024;
        const int stalledCount = 4;
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:SendQueueBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: settings);
        var edge = cluster.Edges[0];
        var registry = edge.Services.GetRequiredService<ConnectionRegistry>();
        var stalled = new List<ClientWebSocket>();
        for (var i = 0; i < stalledCount; i++)
        {
            var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("realtime.v1.json");
            socket.Options.SetRequestHeader("Authorization", "Bearer " + TestTokens.For($"stalled{i}", ["*"]));
            await socket.ConnectAsync(edge.WebSocketUrl, CancellationToken.None);
            await socket.SendAsync("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"room:hose\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            stalled.Add(socket);
        }

        await Eventually.TrueAsync(() => registry.Snapshot().Sum(c => c.MembershipCount) == stalledCount * 3, because: "all stalled clients are in the room");
        var big = "\"" + new string('x', 30_000) + "\"";
        long peak = 0;
        for (var i = 0; i < 300; i++)
        {
            await cluster.PublishToRoomAsync("hose", big);
            peak = Math.Max(peak, registry.Snapshot().Sum(c => c.QueuedBytes));
        }

        // Each stalled connection holds at most its limit (plus one message that may start a queue).
        Assert.InRange(peak, 0, stalledCount * (limit + 31_000));
        await Eventually.TrueAsync(() => registry.Count == 0, TimeSpan.FromSeconds(30), "every stalled client is closed as a slow consumer and released");
        using var http = new HttpClient { BaseAddress = edge.HttpUrl };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains($"realtime_edge_send_queue_drops_total {stalledCount}", metrics, StringComparison.Ordinal);
        foreach (var socket in stalled)
        {
            socket.Dispose();
        }
    }
}
