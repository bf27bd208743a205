using System.Net;
using Realtime.TestKit;

namespace Realtime.Redis.Tests.Liveness;

/// <summary>The edge's pub/sub liveness check against a subscription wedged by a relay that stops relaying.</summary>
public sealed class PubSubLivenessTests
{
    [Fact]
    public async Task WedgedSubscription_IsDetected_Reestablished_AndTheGapResynced()
    {
        var redis = await RedisServer.GetAsync();
        await using var proxy = new TcpProxy(redis.Port);
        var prefix = "w" + Guid.NewGuid().ToString("N")[..8];
        var common = new Dictionary<string, string?>
        {
            ["Realtime:Redis:Prefix"] = prefix,
            ["Realtime:Redis:OperationTimeoutMs"] = "5000", // longer than the probe: the liveness check, not a command timeout, finds the wedge
            ["Realtime:Edge:PubSubLiveness:IntervalMs"] = "300",
            ["Realtime:Edge:PubSubLiveness:TimeoutMs"] = "300",
            ["Realtime:Edge:PubSubLiveness:MissesBeforeUnready"] = "100",
        };
        await using var dispatcher = await ServiceHost.StartDispatcherAsync("dispatcher-0", new Dictionary<string, string?>(common) { ["Realtime:Redis:Url"] = redis.Url });
        await using var edge = await ServiceHost.StartEdgeAsync("edge-w", new Dictionary<string, string?>(common) { ["Realtime:Redis:Url"] = proxy.Url });
        edge.FailOnErrorLogs = false; // a wedged Redis connection is logged loudly, as it should be
        using var grpc = Grpc.Net.Client.GrpcChannel.ForAddress(dispatcher.GrpcUrl!);
        var api = new V1.Dispatcher.DispatcherClient(grpc);
        Task Publish(int n) => api.PublishAsync(new V1.PublishRequest { Target = new V1.Target { Room = "wedge" }, Event = "e", Data = $$"""{"n":{{n}}}""" }).ResponseAsync;

        await using var client = await TestClient.ConnectAsync(edge.WebSocketUrl, TestTokens.For("u", ["*"]));
        await client.SubscribeAsync("room:wedge");
        await Publish(0);
        await client.NextMessageAsync("room:wedge");

        Assert.True(proxy.WedgeExisting() >= 2, "the edge's interactive and subscription connections go through the relay");
        for (var n = 1; n <= 5; n++)
        {
            await Publish(n);
        }

        // Detected within a few intervals, re-established through new connections, and the
        // messages published while it was silent arrive from history, in order, once each.
        for (var n = 1; n <= 5; n++)
        {
            Assert.Equal(n, (int?)(await client.NextMessageAsync("room:wedge", TimeSpan.FromSeconds(20)))["data"]!["n"]);
        }

        await Publish(6);
        Assert.Equal(6, (int?)(await client.NextMessageAsync("room:wedge"))["data"]!["n"]);
        Assert.Equal(7, client.MessagesOn("room:wedge").Count);

        using var http = new HttpClient { BaseAddress = edge.HttpUrl };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("realtime_edge_pubsub_probe_misses_total\\{shard=\"0\"\\} [1-9]", metrics);
        Assert.Matches("realtime_edge_pubsub_reestablished_total\\{shard=\"0\"\\} [1-9]", metrics);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ReadinessFlips_OnlyAfterTheConfiguredConsecutiveMisses()
    {
        var redis = await RedisServer.GetAsync();
        await using var proxy = new TcpProxy(redis.Port);
        var settings = new Dictionary<string, string?>
        {
            ["Realtime:Redis:Url"] = proxy.Url,
            ["Realtime:Redis:Prefix"] = "w" + Guid.NewGuid().ToString("N")[..8],
            ["Realtime:Redis:OperationTimeoutMs"] = "1000",
            ["Realtime:Edge:PubSubLiveness:IntervalMs"] = "200",
            ["Realtime:Edge:PubSubLiveness:TimeoutMs"] = "200",
            ["Realtime:Edge:PubSubLiveness:MissesBeforeUnready"] = "2",
        };
        await using var edge = await ServiceHost.StartEdgeAsync("edge-r", settings);
        edge.FailOnErrorLogs = false;
        using var http = new HttpClient { BaseAddress = edge.HttpUrl };
        await Eventually.TrueAsync(async () => (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK);

        // Every connection is wedged again as soon as it is opened: probes keep missing.
        using var wedging = new CancellationTokenSource();
        var wedge = Task.Run(async () =>
        {
            while (!wedging.IsCancellationRequested)
            {
                proxy.WedgeExisting();
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(async () => (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable, because: "two misses in a row make the edge not ready");
        }
        finally
        {
            await wedging.CancelAsync();
            await wedge;
        }

        await Eventually.TrueAsync(async () => (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK, because: "a probe that comes back makes it ready again");
    }
}
