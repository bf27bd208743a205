using System.Text;
using Grpc.Core;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.IntegrationTests.Connections;

public sealed class CloseReasonTests
{
    [Fact]
    public async Task Disconnect_WithAReasonLongerThanACloseFrameCarries_StillClosesWith4009()
    {
        // Outside finding: 100 CJK characters (300 bytes) gave no close frame, 1006 after 5 s, and the SDKs reconnected the kicked user.
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("kicked"));
        var reason = new string('禁', 100);
        try
        {
            await cluster.Client.DisconnectAsync(new DisconnectRequest { User = "kicked", Reason = reason });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            // The API may refuse an over-long reason up front; then a short one must work.
            Assert.Contains("bytes", ex.Status.Detail, StringComparison.Ordinal);
            await cluster.Client.DisconnectAsync(new DisconnectRequest { User = "kicked", Reason = reason[..40] });
        }

        Assert.Equal(4009, (int?)await client.WaitForCloseAsync());
        Assert.InRange(Encoding.UTF8.GetByteCount(client.CloseDescription ?? string.Empty), 1, 123);
        Assert.StartsWith(client.CloseDescription!, reason, StringComparison.Ordinal);
    }
}
