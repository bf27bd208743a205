using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Edge.Connections;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Connections;

/// <summary>What a connecting client can rely on: the welcome's promise, the connection cap, the origin allow-list.</summary>
public sealed class ConnectTests
{
    [Fact]
    public async Task Welcome_MeansTheConnectionIsInItsUserChannelAndBroadcast()
    {
        // Outside finding: publishing to broadcast right after the welcome lost the message in 56 of 100 trials.
        await using var cluster = await Cluster.StartAsync(edges: 1);
        for (var trial = 0; trial < 25; trial++)
        {
            var user = $"fresh{trial}";
            await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For(user));
            await cluster.BroadcastAsync($$"""{"trial":{{trial}}}""");
            await cluster.PublishToUserAsync(user, $$"""{"trial":{{trial}}}""");
            var broadcast = await client.NextAsync(o => (string?)o["op"] == "msg" && (string?)o["channel"] == "broadcast" && (int?)o["data"]!["trial"] == trial, TimeSpan.FromSeconds(10));
            var own = await client.NextAsync(o => (string?)o["op"] == "msg" && (string?)o["channel"] == $"user:{user}", TimeSpan.FromSeconds(10));
            Assert.Equal(trial, (int?)broadcast["data"]!["trial"]);
            Assert.Equal(trial, (int?)own["data"]!["trial"]);
        }
    }

    [Fact]
    public async Task ConcurrentHandshakes_NeverOvershootMaxConnections()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:MaxConnections"] = "5" };
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: settings);
        var attempts = Enumerable.Range(0, 40).Select(async i =>
        {
            try
            {
                return await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For($"c{i}"));
            }
            catch (WebSocketException)
            {
                return null; // 503: full
            }
        }).ToList();
        var clients = (await Task.WhenAll(attempts)).Where(c => c is not null).Select(c => c!).ToList();
        try
        {
            Assert.InRange(clients.Count, 1, 5);
            var registry = cluster.Edges[0].Services.GetRequiredService<ConnectionRegistry>();
            Assert.InRange(registry.Count, 1, 5);
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ASocketBeingRefused_HoldsASlotUntilItIsClosed()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:MaxConnections"] = "2" };
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: settings);
        var url = cluster.Edges[0].WebSocketUrl;

        // Two clients with a bad token that never read: the edge's close handshake waits on them.
        using var bad1 = new ClientWebSocket();
        using var bad2 = new ClientWebSocket();
        foreach (var bad in new[] { bad1, bad2 })
        {
            bad.Options.AddSubProtocol("realtime.v1.json");
            bad.Options.SetRequestHeader("Authorization", "Bearer not-a-token");
            await bad.ConnectAsync(url, CancellationToken.None);
        }

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TestClient.ConnectAsync(url, TestTokens.For("good")));
        Assert.Contains("503", refused.Message, StringComparison.Ordinal);

        // Once the refused sockets are gone the slots come back.
        bad1.Abort();
        bad2.Abort();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await using var ok = await TestClient.ConnectAsync(url, TestTokens.For("good"));
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "slots of refused sockets are released");
    }

    [Fact]
    public async Task AllowedOrigins_RefusesOtherBrowserOrigins_Before_TheUpgrade()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Edge:AllowedOrigins:0"] = "https://app.example.com" };
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: settings);
        var url = cluster.Edges[0].WebSocketUrl;

        await using var allowed = await TestClient.ConnectAsync(url, TestTokens.For("o1"), configure: o => o.SetRequestHeader("Origin", "https://app.example.com"));
        await using var noOrigin = await TestClient.ConnectAsync(url, TestTokens.For("o2"));
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            TestClient.ConnectAsync(url, TestTokens.For("o3"), configure: o => o.SetRequestHeader("Origin", "https://evil.example.net")));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = cluster.Edges[0].HttpUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws");
        request.Headers.Add("Origin", "https://evil.example.net");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(request)).StatusCode);
    }
}
