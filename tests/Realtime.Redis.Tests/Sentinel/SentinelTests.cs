using Grpc.Core;
using Realtime.TestKit;

namespace Realtime.Redis.Tests.Sentinel;

/// <summary>Edges and a dispatcher on a Sentinel-managed Redis (redis+sentinel:// URL), through a forced failover.</summary>
public sealed class SentinelTests
{
    [Fact]
    public async Task Failover_DuringContinuousPublishing_KeepsDelivering_RecoversTheGap_AndAnswersUnavailableMeanwhile()
    {
        await using var group = await RedisSentinelGroup.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Realtime:Redis:OperationTimeoutMs"] = "1000",
            ["Realtime:Edge:PubSubLiveness:IntervalMs"] = "500",
            ["Realtime:Edge:PubSubLiveness:TimeoutMs"] = "500",
        };
        await using var cluster = await Cluster.StartAsync(edges: 2, settings: settings, redisUrl: group.Url);
        foreach (var host in cluster.Edges.Concat(cluster.Dispatchers))
        {
            host.FailOnErrorLogs = false; // a failover is logged loudly, as it should be
        }

        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u", ["*"]));
        await client.SubscribeAsync("room:ha");
        await cluster.PublishToRoomAsync("ha", """{"n":0}""");
        await client.NextMessageAsync("room:ha");

        // Publish continuously through the failover: every publish either succeeds (and is then
        // delivered) or answers UNAVAILABLE; nothing else.
        var accepted = new List<int>();
        var unavailable = 0;
        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            for (var n = 1; n <= 2000 && !stop.IsCancellationRequested; n++)
            {
                try
                {
                    await cluster.PublishToRoomAsync("ha", $$"""{"n":{{n}}}""");
                    lock (accepted)
                    {
                        accepted.Add(n);
                    }
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
                {
                    Interlocked.Increment(ref unavailable);
                }

                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);

        await Eventually.TrueAsync(() => { lock (accepted) { return accepted.Count >= 20; } }, because: "publishing runs before the failover");
        await group.FailoverAsync();
        await Eventually.TrueAsync(() => { lock (accepted) { return accepted.Count >= 80; } }, TimeSpan.FromSeconds(60), "publishing works again on the new primary");
        await stop.CancelAsync();
        await publisher;

        // Every accepted message reaches the subscriber, in order, once (live or recovered from history).
        int[] expected;
        lock (accepted)
        {
            expected = [.. accepted];
        }

        try
        {
            await Eventually.TrueAsync(() => client.MessagesOn("room:ha").Count >= expected.Length + 1, TimeSpan.FromSeconds(30), "accepted messages all arrive");
        }
        catch (TimeoutException)
        {
            var got = client.MessagesOn("room:ha").Skip(1).Select(m => (int)m["data"]!["n"]!).ToHashSet();
            Assert.Fail($"unavailable {unavailable}; accepted {expected.Length}; missing {string.Join(",", expected.Where(n => !got.Contains(n)).Take(10))}; edge logs {string.Join("\n", cluster.Edges[0].WarningLogs.Concat(cluster.Edges[0].ErrorLogs))}");
        }

        var received = client.MessagesOn("room:ha").Skip(1).Select(m => (int)m["data"]!["n"]!).ToList();

        // Accepted messages all arrive in order; a publish answered UNAVAILABLE has an unknown
        // outcome (like any timeout) and may or may not be among them.
        Assert.Equal(expected, received.Where(expected.Contains));
        var offsets = client.MessagesOn("room:ha").Select(m => (ulong)m["offset"]!).ToList();
        Assert.Equal(offsets.Order(), offsets);
        Assert.Equal(offsets.Count, offsets.Distinct().Count());
        Assert.True(unavailable > 0, "publishes during the switch answer UNAVAILABLE");
    }
}
