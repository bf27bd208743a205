using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.Dispatcher.Tests.Grpc;

/// <summary>The dispatcher's API as a backend service sees it: real Kestrel, real Redis.</summary>
public sealed class DispatcherServiceTests
{
    public static TheoryData<string, PublishRequest> InvalidRequests => new()
    {
        { "no target", new PublishRequest { Event = "e", Data = "{}" } },
        { "bad room", new PublishRequest { Target = new Target { Room = "lob by" }, Event = "e", Data = "{}" } },
        { "hash tag in room", new PublishRequest { Target = new Target { Room = "a}{b" }, Event = "e", Data = "{}" } },
        { "empty user", new PublishRequest { Target = new Target { User = string.Empty }, Event = "e", Data = "{}" } },
        { "broadcast false", new PublishRequest { Target = new Target { Broadcast = false }, Event = "e", Data = "{}" } },
        { "bad event", new PublishRequest { Target = new Target { Room = "r" }, Event = "bad event", Data = "{}" } },
        { "not json", new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "{text: hi}" } },
        { "two json values", new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "{} {}" } },
        { "oversize", new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "\"" + new string('x', 70_000) + "\"" } },
        { "bad idempotency key", new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "1", IdempotencyKey = "has space" } },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Publish_InvalidInput_IsInvalidArgument(string why, PublishRequest request)
    {
        await using var cluster = await Cluster.StartAsync(edges: 0);
        var error = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.PublishAsync(request).ResponseAsync);
        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{why}: {error.Status}");
    }

    [Fact]
    public async Task PublishBatch_OneBadMessage_RejectsTheWholeBatchWithItsIndex()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0);
        var batch = new PublishBatchRequest();
        batch.Messages.Add(new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "1" });
        batch.Messages.Add(new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "nope" });
        var error = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.PublishBatchAsync(batch).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("messages[1]", error.Status.Detail, StringComparison.Ordinal);

        var history = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:r" });
        Assert.Empty(history.Messages);

        batch.Messages.RemoveAt(1);
        batch.Messages.Add(new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "2" });
        var ok = await cluster.Client.PublishBatchAsync(batch);
        Assert.Equal([1UL, 2UL], ok.Results.Select(r => r.Offset));
    }

    [Fact]
    public async Task ApiKeys_Configured_RequireAValidKey()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Dispatcher:ApiKeys"] = "key-one, key-two" };
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: settings);
        var request = new PublishRequest { Target = new Target { Broadcast = true }, Event = "e", Data = "{}" };

        var none = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.PublishAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.PublishAsync(request, new Metadata { { "x-api-key", "key-three" } }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);

        var ok = await cluster.Client.PublishAsync(request, new Metadata { { "x-api-key", "key-two" } });
        Assert.False(string.IsNullOrEmpty(ok.MessageId));
    }

    [Fact]
    public async Task RedisDown_IsUnavailable_AndRecoversWhenRedisReturns()
    {
        var redis = await RedisServer.StartPrivateAsync();
        var port = redis.Port;
        var settings = new Dictionary<string, string?> { ["Realtime:Redis:OperationTimeoutMs"] = "1000" };
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: settings, redisUrl: redis.Url);
        cluster.Dispatchers[0].FailOnErrorLogs = false;
        var request = new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "{}" };
        await cluster.Client.PublishAsync(request);

        await redis.DisposeAsync();
        var down = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.PublishAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, down.StatusCode);

        using var http = new HttpClient { BaseAddress = cluster.Dispatchers[0].HttpUrl };
        await Eventually.TrueAsync(async () => (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable, because: "readiness fails while Redis is down");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz/live", UriKind.Relative))).StatusCode);

        await using var again = await RedisServer.StartPrivateAsync(port);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await cluster.Client.PublishAsync(request);
                return true;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "publishing works again once Redis is back");
    }

    [Fact]
    public async Task JsonTranscoding_PublishesOverHttp_AndMetricsCountIt()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("web", ["*"]));
        await client.SubscribeAsync("room:http");
        using var http = new HttpClient { BaseAddress = cluster.Dispatchers[0].HttpUrl };

        var response = await http.PostAsJsonAsync(new Uri("/v1/publish", UriKind.Relative), new { target = new { room = "http" }, @event = "chat.message", data = """{"text":"via http"}""" });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("room:http", body.RootElement.GetProperty("channel").GetString());
        Assert.Equal("via http", (string?)(await client.NextMessageAsync("room:http"))["data"]!["text"]);

        var bad = await http.PostAsJsonAsync(new Uri("/v1/publish", UriKind.Relative), new { target = new { room = "x y" }, @event = "e", data = "1" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("realtime_dispatcher_publishes_total{target=\"room\",outcome=\"ok\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("realtime_dispatcher_publishes_total{target=\"room\",outcome=\"invalid\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("realtime_dispatcher_publish_duration_seconds_count 1", metrics, StringComparison.Ordinal);

        using var edgeHttp = new HttpClient { BaseAddress = cluster.Edges[0].HttpUrl };
        var edgeMetrics = await edgeHttp.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("realtime_edge_connections 1", edgeMetrics, StringComparison.Ordinal);
        Assert.Contains("realtime_edge_broker_messages_received_total 1", edgeMetrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListEdges_ShowsLiveEdgesWithConnectionCounts()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        await using var c1 = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("x"));
        await Eventually.TrueAsync(async () =>
        {
            var edges = await cluster.Client.ListEdgesAsync(new ListEdgesRequest());
            return edges.Edges.Count == 2 && edges.Edges.Single(e => e.ServerId == "edge-b").Connections == 1;
        }, because: "both edges heartbeat into the registry");

        await cluster.Edges[0].StopAsync();
        await Eventually.TrueAsync(async () => (await cluster.Client.ListEdgesAsync(new ListEdgesRequest())).Edges.All(e => e.ServerId != "edge-a"), because: "a stopped edge leaves the registry");
    }
}
