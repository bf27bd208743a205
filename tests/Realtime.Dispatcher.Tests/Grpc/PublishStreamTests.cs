using System.Text.Json.Nodes;
using Grpc.Core;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.Dispatcher.Tests.Grpc;

/// <summary>Issue 9: the ordered, pipelined publish paths (PublishStream and PublishBatch).</summary>
public sealed class PublishStreamTests
{
    private static readonly string[] Rooms = ["s0", "s1", "s2"];

    [Fact]
    public async Task PublishStream_AnswersEachMessageInOrder_AndClientsReceiveStreamOrderPerChannel()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["*"]));
        foreach (var room in Rooms)
        {
            await client.SubscribeAsync("room:" + room);
        }

        const int count = 600;
        using var call = cluster.Client.PublishStream();
        var answers = new List<PublishStreamResponse>();
        var reading = Task.Run(async () =>
        {
            await foreach (var answer in call.ResponseStream.ReadAllAsync())
            {
                answers.Add(answer);
            }
        });
        for (var i = 0; i < count; i++)
        {
            // Message 100 is invalid: it gets its own error, the stream goes on.
            var data = i == 100 ? "{not json" : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await call.RequestStream.WriteAsync(new PublishRequest { Target = new Target { Room = Rooms[i % 3] }, Event = "n", Data = data });
        }

        await call.RequestStream.CompleteAsync();
        await reading;

        Assert.Equal(Enumerable.Range(0, count).Select(i => (ulong)i), answers.Select(a => a.Sequence));
        var error = answers[100].Error;
        Assert.Equal((int)StatusCode.InvalidArgument, error.Code);
        Assert.Contains("JSON", error.Message, StringComparison.Ordinal);
        Assert.All(answers.Where(a => a.Sequence != 100), a => Assert.Equal(PublishStreamResponse.OutcomeOneofCase.Result, a.OutcomeCase));
        foreach (var room in Rooms)
        {
            // Offsets per room follow stream order with no gap.
            var offsets = answers.Where(a => a.Result?.Channel == "room:" + room).Select(a => a.Result.Offset).ToList();
            Assert.Equal(Enumerable.Range(1, offsets.Count).Select(o => (ulong)o), offsets);
        }

        await client.NextAsync(o => (string?)o["op"] == "msg" && (int?)o["data"] == count - 1);
        await Eventually.TrueAsync(() => Rooms.Sum(r => client.MessagesOn("room:" + r).Count) == count - 1, because: "every valid message arrives");
        for (var r = 0; r < Rooms.Length; r++)
        {
            var expected = Enumerable.Range(0, count).Where(i => i % 3 == r && i != 100);
            Assert.Equal(expected, client.MessagesOn("room:" + Rooms[r]).Select(m => (int)m["data"]!));
        }
    }

    [Fact]
    public async Task PublishStream_CallerConnectionDropsMidStream_IsNotAnError()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0);
        var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(cluster.Dispatchers[0].GrpcUrl!);
        var call = new Realtime.V1.Dispatcher.DispatcherClient(channel).PublishStream();
        for (var i = 0; i < 50; i++)
        {
            await call.RequestStream.WriteAsync(new PublishRequest { Target = new Target { Room = "drop" }, Event = "n", Data = "1" });
        }

        for (var i = 0; i < 50; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None)); // answered: published
        }

        for (var i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync(new PublishRequest { Target = new Target { Room = "drop" }, Event = "n", Data = "1" });
        }

        channel.Dispose(); // the connection goes away mid-stream, with messages in flight and without closing the stream

        // The dispatcher stays healthy and logs no error (the cluster's dispose asserts that);
        // what was answered is published, what was in flight may or may not be.
        var offset = (await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:drop" })).Offset;
        Assert.InRange(offset, 50UL, 70UL);
        await cluster.PublishToRoomAsync("drop", "2");
        Assert.True((await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:drop" })).Offset > offset);
        call.Dispose();
    }

    [Fact]
    public async Task PublishStream_WithoutApiKey_IsUnauthenticated()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: new Dictionary<string, string?> { ["Realtime:Dispatcher:ApiKeys"] = "k" });
        using var call = cluster.Client.PublishStream();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(new PublishRequest { Target = new Target { Broadcast = true }, Event = "e", Data = "1" });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task PublishBatch_Pipelined_KeepsRequestOrderPerChannel()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["*"]));
        await client.SubscribeAsync("room:b0");
        await client.SubscribeAsync("room:b1");
        var batch = new PublishBatchRequest();
        for (var i = 0; i < 400; i++)
        {
            batch.Messages.Add(new PublishRequest { Target = new Target { Room = "b" + (i % 2) }, Event = "n", Data = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        var response = await cluster.Client.PublishBatchAsync(batch);

        Assert.Equal(400, response.Results.Count);
        Assert.Equal(Enumerable.Range(1, 200).Select(o => (ulong)o), response.Results.Where(r => r.Channel == "room:b0").Select(r => r.Offset));
        Assert.Equal(Enumerable.Range(1, 200).Select(o => (ulong)o), response.Results.Where(r => r.Channel == "room:b1").Select(r => r.Offset));
        await Eventually.TrueAsync(() => client.MessagesOn("room:b0").Count + client.MessagesOn("room:b1").Count == 400, because: "all 400 arrive");
        Assert.Equal(Enumerable.Range(0, 200).Select(i => 2 * i), client.MessagesOn("room:b0").Select(m => (int)m["data"]!));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (2 * i) + 1), client.MessagesOn("room:b1").Select(m => (int)m["data"]!));
        var history = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:b1" });
        Assert.Equal(client.MessagesOn("room:b1").TakeLast(history.Messages.Count).Select(m => (string?)m["id"]), history.Messages.Select(m => m.Id));
    }
}
