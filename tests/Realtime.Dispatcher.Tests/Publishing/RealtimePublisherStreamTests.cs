using Grpc.Core;
using Realtime.Client.Publisher;
using Realtime.TestKit;

namespace Realtime.Dispatcher.Tests.Publishing;

/// <summary>Issue 9: the .NET publisher SDK publishes over the ordered stream by default.</summary>
public sealed class RealtimePublisherStreamTests
{
    [Fact]
    public async Task Publisher_ManyCallsWithoutAwaiting_ArePublishedInCallOrder_EachWithItsOwnAnswer()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u1", ["*"]));
        await client.SubscribeAsync("room:sdk");
        await using var publisher = new RealtimePublisher(new RealtimePublisherOptions { Address = cluster.Dispatchers[0].GrpcUrl });
        Assert.Equal(PublishMode.Stream, new RealtimePublisherOptions().Mode);

        var calls = Enumerable.Range(0, 500).Select(i => i == 250
            ? publisher.ToRoomAsync("sdk", "bad event!", i)
            : publisher.ToRoomAsync("sdk", "n", i)).ToList();
        var bad = await Assert.ThrowsAsync<RpcException>(() => calls[250]);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        calls.RemoveAt(250);
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(1, 499).Select(o => (ulong)o), results.Select(r => r.Offset));
        await Eventually.TrueAsync(() => client.MessagesOn("room:sdk").Count == 499, because: "all 499 arrive");
        Assert.Equal(Enumerable.Range(0, 500).Where(i => i != 250), client.MessagesOn("room:sdk").Select(m => (int)m["data"]!));
    }

    [Fact]
    public async Task Publisher_StreamWithoutKey_IsUnauthenticated_WithKey_Works_AndUnaryStillWorks()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: new Dictionary<string, string?> { ["Realtime:Dispatcher:ApiKeys"] = "k-one" });
        await using var without = new RealtimePublisher(new RealtimePublisherOptions { Address = cluster.Dispatchers[0].GrpcUrl });
        var error = await Assert.ThrowsAsync<RpcException>(() => without.BroadcastAsync("e", 1));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

        await using var with = new RealtimePublisher(new RealtimePublisherOptions { Address = cluster.Dispatchers[0].GrpcUrl, ApiKey = "k-one" });
        Assert.Equal(1UL, (await with.ToRoomAsync("keyed", "e", 1)).Offset);
        Assert.Equal(2UL, (await with.ToRoomAsync("keyed", "e", 2)).Offset);

        await using var unary = new RealtimePublisher(new RealtimePublisherOptions { Address = cluster.Dispatchers[0].GrpcUrl, ApiKey = "k-one", Mode = PublishMode.Unary });
        Assert.Equal(3UL, (await unary.ToRoomAsync("keyed", "e", 3)).Offset);
    }
}
