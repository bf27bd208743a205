using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.IntegrationTests.Dispatcher;

/// <summary>Issue 8.11: what callers naturally write reaches the channel they meant, or is refused saying what to write.</summary>
public sealed class PublishInputTests
{
    private static readonly int[] Pair = [1, 2];

    [Fact]
    public async Task Publish_RoomGivenByItsFullName_ReachesThatRoom()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["*"]));
        await client.SubscribeAsync("room:lobby");

        var full = await cluster.PublishToRoomAsync("room:lobby", "1");
        var shortName = await cluster.PublishToRoomAsync("lobby", "2");

        Assert.Equal("room:lobby", full.Channel);
        Assert.Equal("room:lobby", shortName.Channel);
        Assert.Equal(1, (int?)(await client.NextMessageAsync("room:lobby"))["data"]);
        Assert.Equal(2, (int?)(await client.NextMessageAsync("room:lobby"))["data"]);
        var history = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:room:lobby" });
        Assert.Empty(history.Messages);
    }

    [Fact]
    public async Task Http_DataAsAJsonValue_IsPublishedAsThatValue()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["*"]));
        await client.SubscribeAsync("room:http");
        using var http = new HttpClient { BaseAddress = cluster.Dispatchers[0].HttpUrl };

        using var one = await http.PostAsJsonAsync(new Uri("/v1/publish", UriKind.Relative), new { target = new { room = "room:http" }, @event = "chat.message", data = new { text = "hi" } });
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("hi", (string?)(await client.NextMessageAsync("room:http"))["data"]!["text"]);

        // Batch: an array, a number and the JSON-text spelling, in order.
        using var batch = await http.PostAsJsonAsync(new Uri("/v1/publish-batch", UriKind.Relative), new
        {
            messages = new object[]
            {
                new { target = new { room = "http" }, @event = "e", data = Pair },
                new { target = new { room = "http" }, @event = "e", data = 7 },
                new { target = new { room = "http" }, @event = "e", data = "{\"as\":\"text\"}" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(2, (int?)(await client.NextMessageAsync("room:http"))["data"]![1]);
        Assert.Equal(7, (int?)(await client.NextMessageAsync("room:http"))["data"]);
        Assert.Equal("text", (string?)(await client.NextMessageAsync("room:http"))["data"]!["as"]);
    }

    [Fact]
    public async Task IdempotencyKey_OverTheLimit_SaysTheRealLimit()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0);
        var ok = new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "1", IdempotencyKey = new string('k', 100) };
        await cluster.Client.PublishAsync(ok);

        var error = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.PublishAsync(new PublishRequest(ok) { IdempotencyKey = new string('k', 101) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("1..100 characters", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disconnect_ReasonOverTheCloseFrameLimit_IsRefusedNamingIt_AtTheLimit_Arrives()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("kicked"));

        var tooLong = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.DisconnectAsync(new DisconnectRequest { User = "kicked", Reason = new string('違', 100) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
        Assert.Contains("300 UTF-8 bytes; the limit is 123", tooLong.Status.Detail, StringComparison.Ordinal);

        var atLimit = new string('違', 41); // 123 bytes
        await cluster.Client.DisconnectAsync(new DisconnectRequest { User = "kicked", Reason = atLimit });
        Assert.Equal(4009, (int?)await client.WaitForCloseAsync());
        Assert.Equal(atLimit, client.CloseDescription);
    }

    [Fact]
    public async Task Http_MalformedBody_IsBadRequest_NotAnError()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0);
        using var http = new HttpClient { BaseAddress = cluster.Dispatchers[0].HttpUrl };
        using var response = await http.PostAsync(new Uri("/v1/publish", UriKind.Relative), new StringContent("{\"target\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, body.RootElement.GetProperty("code").GetInt32());
    }
}
