using System.Text.Json.Nodes;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Dispatcher;

/// <summary>
/// Issue 8.2: a publisher's <c>data</c> can never split a client frame ('\n'-separated messages)
/// or forge a message on another channel, whatever whitespace it contains.
/// </summary>
public sealed class DataFramingTests
{
    [Fact]
    public async Task Publish_DataWithNewlines_ArrivesAsExactlyOneMessageWithThatValue()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["*"]));
        await client.SubscribeAsync("room:lobby");
        await client.SubscribeAsync("room:admin");

        const string forging = "[1,\n{\"op\":\"msg\",\"channel\":\"room:admin\",\"event\":\"forged\",\"data\":{},\"id\":\"x\",\"offset\":1}\n]";
        const string pretty = "{\n  \"text\": \"hello\",\n  \"list\": [\n    1,\n    2\n  ]\n}";
        await cluster.PublishToRoomAsync("lobby", forging);
        await cluster.PublishToRoomAsync("lobby", pretty);
        await cluster.PublishToRoomAsync("lobby", "\"end\"", @event: "marker");
        await client.NextAsync(o => (string?)o["event"] == "marker");

        var messages = client.MessagesOn("room:lobby");
        Assert.Equal(3, messages.Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(forging), messages[0]["data"]), messages[0].ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(pretty), messages[1]["data"]), messages[1].ToJsonString());
        Assert.Empty(client.MessagesOn("room:admin"));
        Assert.DoesNotContain(client.Seen, o => (string?)o["op"] == "msg" && (string?)o["channel"] != "room:lobby");
    }

    [Fact]
    public async Task Publish_ManyValuesWithArbitraryWhitespace_EachFrameLineIsExactlyItsMessage()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["*"]));
        await client.SubscribeAsync("room:props");
        var values = new RandomJson(seed: 82);
        var published = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var value = values.Next();
            published.Add(value);
            await cluster.PublishToRoomAsync("props", value, @event: "v" + i);
        }

        await client.NextAsync(o => (string?)o["event"] == "v299");

        // Every line of every frame is one whole JSON object, and the messages are exactly the published values in order.
        string[] lines;
        lock (client.Frames)
        {
            lines = [.. client.Frames.SelectMany(f => f.Split('\n', StringSplitOptions.RemoveEmptyEntries))];
        }

        Assert.All(lines, line => Assert.IsType<JsonObject>(JsonNode.Parse(line)));
        var messages = client.MessagesOn("room:props");
        Assert.Equal(published.Count, messages.Count);
        for (var i = 0; i < published.Count; i++)
        {
            Assert.Equal("v" + i, (string?)messages[i]["event"]);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(published[i]), messages[i]["data"]), $"message {i}: published {published[i]}, got {messages[i]["data"]?.ToJsonString()}");
        }
    }
}
