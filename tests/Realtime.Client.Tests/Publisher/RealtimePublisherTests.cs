using Grpc.Core;
using Realtime.Client.Publisher;
using Realtime.TestKit;
using static Realtime.Client.Tests.ClientTestHelpers;

namespace Realtime.Client.Tests.Publisher;

public class RealtimePublisherTests
{
    [Fact]
    public async Task ToRoomAsync_SerializesData_AndSubscriberReceivesIt()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var user = Unique("u");
        var options = new RealtimeClientOptions { Token = TestTokens.For(user, ["news"]) };
        options.Urls.Add(cluster.Edges[0].WebSocketUrl);
        await using var client = new RealtimeClient(options);
        await client.ConnectAsync();
        await using var room = await client.SubscribeAsync("news");
        using var publisher = new RealtimePublisher(new RealtimePublisherOptions { Address = cluster.Dispatchers[0].GrpcUrl, ApiKey = "unused-when-no-keys-are-configured" });

        var result = await publisher.ToRoomAsync("news", "news.posted", new { Title = "hello", N = 1 }, idempotencyKey: "k1");
        var again = await publisher.ToRoomAsync("news", "news.posted", new { Title = "hello", N = 1 }, idempotencyKey: "k1");
        var direct = await publisher.ToUserAsync(user, "dm", new { N = 2 });

        Assert.Equal("room:news", result.Channel);
        Assert.True(result.Offset > 0);
        Assert.False(string.IsNullOrEmpty(result.Epoch));
        Assert.True(again.Deduplicated);
        Assert.Equal(result.MessageId, again.MessageId);
        var message = Assert.Single(await ReadAsync(room, 1));
        Assert.Equal((result.MessageId, "news.posted", "hello", result.Offset), (message.Id, message.Event, message.Data.GetProperty("title").GetString(), message.Offset));
        Assert.Equal(direct.MessageId, Assert.Single(await ReadAsync(client.UserMessages, 1)).Id);
        Assert.False(room.Reader.TryRead(out _), "the idempotent repeat is not delivered");
    }

    [Theory]
    [InlineData("bad room!", "ok.event")]
    [InlineData("room", "bad event!")]
    [InlineData("room", "")]
    public async Task ToRoomAsync_InvalidInput_IsInvalidArgument(string room, string @event)
    {
        await using var cluster = await Cluster.StartAsync(edges: 0);
        using var publisher = new RealtimePublisher(new RealtimePublisherOptions { Address = cluster.Dispatchers[0].GrpcUrl });

        var error = await Assert.ThrowsAsync<RpcException>(() => publisher.ToRoomAsync(room, @event, new { n = 1 }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task PublishAsync_WithApiKeysConfigured_SendsTheKey()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: new Dictionary<string, string?> { ["Realtime:Dispatcher:ApiKeys"] = "k-one,k-two" });
        using var withKey = new RealtimePublisher(new RealtimePublisherOptions { Address = cluster.Dispatchers[0].GrpcUrl, ApiKey = "k-two" });
        using var withoutKey = new RealtimePublisher(new RealtimePublisherOptions { Address = cluster.Dispatchers[0].GrpcUrl });

        await withKey.BroadcastAsync("hello", new { n = 1 });
        var error = await Assert.ThrowsAsync<RpcException>(() => withoutKey.BroadcastAsync("hello", new { n = 1 }));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }
}
