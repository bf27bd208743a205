using Grpc.Core;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.Dispatcher.Tests.Grpc;

/// <summary>Issue 8.12: GetPresence answers in bounded pages that together list every client once.</summary>
public sealed class GetPresencePagingTests
{
    [Fact]
    public async Task GetPresence_PagesThroughEveryClientOnce_WithBoundedPages()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Dispatcher:MaxPresencePageSize"] = "8" };
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: settings);
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("user-" + (i % 5), ["*"]));
                clients.Add(client);
                await client.SubscribeAsync("room:crowd");
            }

            await Eventually.TrueAsync(async () => (await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:crowd" })).TotalClients == 12, because: "all 12 joined");

            var seen = new List<string>();
            var pages = 0;
            var token = string.Empty;
            do
            {
                var page = await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:crowd", PageSize = 5, PageToken = token });
                Assert.InRange(page.Clients.Count, 1, 5);
                Assert.Equal(12u, page.TotalClients);
                Assert.Equal(5u, page.Users);
                seen.AddRange(page.Clients.Select(c => c.ConnectionId));
                token = page.NextPageToken;
                pages++;
            }
            while (token.Length > 0);

            Assert.Equal(3, pages);
            Assert.Equal(12, seen.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(seen.Order(StringComparer.Ordinal), seen);

            // Asking for more than the configured maximum gets the maximum; 0 gets the default (capped too).
            Assert.Equal(8, (await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:crowd", PageSize = 10_000 })).Clients.Count);
            Assert.Equal(8, (await cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:crowd" })).Clients.Count);

            var bad = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.GetPresenceAsync(new GetPresenceRequest { Channel = "room:crowd", PageToken = "not a token!" }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
