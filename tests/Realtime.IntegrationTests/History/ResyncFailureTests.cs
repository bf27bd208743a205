using Microsoft.Extensions.DependencyInjection;
using Realtime.Edge.Subscriptions;
using Realtime.Redis;
using Realtime.TestKit;
using StackExchange.Redis;

namespace Realtime.IntegrationTests.History;

public sealed class ResyncFailureTests
{
    [Fact]
    public async Task AResyncThatFailsForAnyReason_EndsBuffering_AndAsksTheClientToReconnectAndRecover()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        cluster.Edges[0].FailOnErrorLogs = false;
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("rf", ["*"]));
        await using var bystander = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("rf2", ["*"]));
        await client.SubscribeAsync("room:broken");
        await bystander.SubscribeAsync("room:fine");
        await cluster.PublishToRoomAsync("broken", """{"n":1}""");
        await client.NextMessageAsync("room:broken");

        // An entry that cannot be decoded: reading the history fails with something other than "unavailable".
        await using var mux = await ConnectionMultiplexer.ConnectAsync(RedisUrl.Parse(cluster.RedisUrl));
        var channels = new RedisChannels(cluster.Prefix);
        await mux.GetDatabase().StreamAddAsync(channels.History("room:broken"), [new NameValueEntry("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), new NameValueEntry("d", new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f })], "2-0");
        await mux.GetDatabase().HashSetAsync(channels.Meta("room:broken"), "o", 2);

        var resync = cluster.Edges[0].Services.GetRequiredService<ResyncService>();
        await resync.ResyncAllAsync(CancellationToken.None);

        Assert.Equal(1012, (int?)await client.WaitForCloseAsync());
        Assert.Contains("recover", client.CloseDescription, StringComparison.Ordinal);

        // Other channels resynced normally and keep delivering.
        await cluster.PublishToRoomAsync("fine", """{"still":true}""");
        Assert.True((bool?)(await bystander.NextMessageAsync("room:fine"))["data"]!["still"]);
    }
}
