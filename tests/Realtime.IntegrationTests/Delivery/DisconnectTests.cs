using Grpc.Core;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.IntegrationTests.Delivery;

public sealed class DisconnectTests
{
    [Fact]
    public async Task Disconnect_ClosesAllOfTheUsersConnectionsOnEveryEdge_WithReason()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        await using var onA = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("banned"));
        await using var onB = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, TestTokens.For("banned"));
        await using var bystander = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("nice"));

        await cluster.Client.DisconnectAsync(new DisconnectRequest { User = "banned", Reason = "account suspended" });

        Assert.Equal(4009, (int?)await onA.WaitForCloseAsync());
        Assert.Equal(4009, (int?)await onB.WaitForCloseAsync());
        Assert.Equal("account suspended", onA.CloseDescription);
        Assert.DoesNotContain(onA.Seen, o => (string?)o["op"] == "msg");

        await cluster.PublishToUserAsync("nice", """{"still":"connected"}""");
        Assert.Equal("connected", (string?)(await bystander.NextMessageAsync("user:nice"))["data"]!["still"]);

        // Control messages never enter history.
        var history = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "user:banned" });
        Assert.Empty(history.Messages);

        var bad = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.DisconnectAsync(new DisconnectRequest { User = "a b" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }
}
