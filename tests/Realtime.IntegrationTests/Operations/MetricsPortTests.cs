using System.Net;
using System.Net.Sockets;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Operations;

/// <summary>Realtime:Edge:MetricsPort keeps /metrics off the public WebSocket port.</summary>
public sealed class MetricsPortTests
{
    [Fact]
    public async Task WithAMetricsPort_MetricsAreServedThereOnly_WebSocketsAndHealthStayOnThePublicPort()
    {
        var metricsPort = FreePort();
        await using var cluster = await Cluster.StartAsync(edges: 0, dispatchers: 0, settings: new Dictionary<string, string?>
        {
            ["Realtime:Edge:MetricsPort"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var edge = await cluster.AddEdgeAsync();
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(edge.HttpUrl, "/metrics"))).StatusCode);
        // The Host header does not decide: the port the connection arrived on does.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, new Uri(edge.HttpUrl, "/metrics"));
        spoofed.Headers.Host = $"127.0.0.1:{metricsPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(spoofed)).StatusCode);

        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));
        Assert.Contains("realtime_edge_connections", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(edge.HttpUrl, "/healthz/live"))).StatusCode);
        await using var client = await TestClient.ConnectAsync(edge.WebSocketUrl, TestTokens.For("m1"));
        Assert.Equal(edge.ServerId, (string?)client.Welcome["server"]);
    }

    [Fact]
    public async Task WithoutAMetricsPort_MetricsAreOnThePublicPort()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0);
        using var http = new HttpClient();
        Assert.Contains("realtime_edge_connections", await http.GetStringAsync(new Uri(cluster.Edges[0].HttpUrl, "/metrics")), StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
