using Grpc.Core;
using Realtime.TestKit;
using Realtime.V1;
using StackExchange.Redis;

namespace Realtime.IntegrationTests.History;

/// <summary>Offsets, history, recovery and idempotency against real Redis and real edges.</summary>
public sealed class HistoryAndRecoveryTests
{
    [Fact]
    public async Task Offsets_AreContiguousAndOrdered_UnderConcurrentPublishersOnSeveralDispatchers()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 3);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("u", ["*"]));
        await client.SubscribeAsync("room:busy");
        var clients = cluster.Dispatchers.Select(cluster.ClientFor).ToArray();

        const int perPublisher = 50;
        var results = await Task.WhenAll(clients.SelectMany((c, d) => Enumerable.Range(0, 2).Select(async p =>
        {
            var offsets = new List<ulong>();
            for (var i = 0; i < perPublisher; i++)
            {
                var r = await c.PublishAsync(new PublishRequest { Target = new Target { Room = "busy" }, Event = "e", Data = $$"""{"d":{{d}},"p":{{p}},"i":{{i}}}""" });
                offsets.Add(r.Offset);
            }

            return offsets;
        })));

        var all = results.SelectMany(o => o).Order().ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (ulong)i), all);
        foreach (var publisherOffsets in results)
        {
            Assert.Equal(publisherOffsets.Order(), publisherOffsets); // each publisher's own messages in its order
        }

        // The subscriber sees every offset exactly once, in order.
        for (var expected = 1UL; expected <= (ulong)all.Count; expected++)
        {
            Assert.Equal(expected, (ulong?)(await client.NextMessageAsync("room:busy"))["offset"]);
        }
    }

    [Fact]
    public async Task Recovery_OnTheOtherEdge_DeliversExactlyTheMissedMessagesInOrder_ThenLive()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        var token = TestTokens.For("r1", ["*"]);
        string epoch;
        ulong last;
        await using (var first = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, token))
        {
            var reply = await first.SubscribeAsync("room:recover");
            epoch = string.Empty;
            for (var i = 0; i < 3; i++)
            {
                await cluster.PublishToRoomAsync("recover", $$"""{"i":{{i}}}""");
            }

            for (var i = 0; i < 3; i++)
            {
                await first.NextMessageAsync("room:recover");
            }

            last = (ulong)first.MessagesOn("room:recover")[^1]["offset"]!;
            epoch = (string)first.MessagesOn("room:recover")[^1]["epoch"]!;
            Assert.Null(reply["epoch"]); // a channel never published to has no epoch yet
        }

        const int missed = 7;
        for (var i = 0; i < missed; i++)
        {
            await cluster.PublishToRoomAsync("recover", $$"""{"missed":{{i}}}""");
        }

        await using var second = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, token);
        var resumed = await second.SubscribeAsync("room:recover", epoch, last);
        Assert.True((bool?)resumed["recovered"]);
        Assert.Equal(epoch, (string?)resumed["epoch"]);
        for (var i = 0; i < missed; i++)
        {
            var msg = await second.NextMessageAsync("room:recover");
            Assert.Equal(i, (int?)msg["data"]!["missed"]);
            Assert.Equal(last + 1 + (ulong)i, (ulong?)msg["offset"]);
        }

        await cluster.PublishToRoomAsync("recover", """{"live":true}""");
        var live = await second.NextMessageAsync("room:recover");
        Assert.True((bool?)live["data"]!["live"]);
        Assert.Equal(last + missed + 1, (ulong?)live["offset"]);
        Assert.Equal(missed + 1, second.MessagesOn("room:recover").Count);
    }

    [Fact]
    public async Task Recovery_WhilePublishing_HasNoGapAndNoDuplicate()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        var token = TestTokens.For("r2", ["*"]);
        var first = await cluster.PublishToRoomAsync("race", """{"n":0}""");
        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            for (var i = 1; i <= 150 && !stop.IsCancellationRequested; i++)
            {
                await cluster.PublishToRoomAsync("race", $$"""{"n":{{i}}}""");
            }
        });

        await using var client = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, token);
        var reply = await client.SubscribeAsync("room:race", first.Epoch, first.Offset);
        Assert.True((bool?)reply["recovered"]);
        await publisher;
        var expected = first.Offset + 1;
        while (expected <= first.Offset + 150)
        {
            Assert.Equal(expected++, (ulong?)(await client.NextMessageAsync("room:race"))["offset"]);
        }
    }

    [Fact]
    public async Task Recovery_AcrossAnEdgeRestart()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var token = TestTokens.For("r3", ["*"]);
        var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, token);
        var reply = await client.SubscribeAsync("room:restart");
        await cluster.PublishToRoomAsync("restart", """{"before":true}""");
        var seen = await client.NextMessageAsync("room:restart");

        await cluster.Edges[0].StopAsync();
        Assert.Equal(1012, (int?)await client.WaitForCloseAsync());
        Assert.Contains(client.Seen, o => (string?)o["op"] == "reconnect");
        await client.DisposeAsync();

        await cluster.PublishToRoomAsync("restart", """{"during":1}""");
        await cluster.PublishToRoomAsync("restart", """{"during":2}""");
        var restarted = await cluster.AddEdgeAsync("edge-restarted");

        await using var again = await TestClient.ConnectAsync(restarted.WebSocketUrl, token);
        var resumed = await again.SubscribeAsync("room:restart", (string)seen["epoch"]!, (ulong)seen["offset"]!);
        Assert.True((bool?)resumed["recovered"]);
        Assert.Equal(1, (int?)(await again.NextMessageAsync("room:restart"))["data"]!["during"]);
        Assert.Equal(2, (int?)(await again.NextMessageAsync("room:restart"))["data"]!["during"]);
    }

    [Fact]
    public async Task Recovery_AfterEpochChange_SaysNotRecovered()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var before = await cluster.PublishToRoomAsync("flushed", """{"a":1}""");

        // History lost (as after a Redis flush): the channel's keys are deleted.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(Redis.RedisUrl.Parse(cluster.RedisUrl)))
        {
            var db = redis.GetDatabase();
            await db.KeyDeleteAsync([$"{cluster.Prefix}:{{room:flushed}}:meta", $"{cluster.Prefix}:{{room:flushed}}:hist"]);
        }

        var after = await cluster.PublishToRoomAsync("flushed", """{"a":2}""");
        Assert.NotEqual(before.Epoch, after.Epoch);
        Assert.Equal(1UL, after.Offset);

        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("r4", ["*"]));
        var reply = await client.SubscribeAsync("room:flushed", before.Epoch, before.Offset);
        Assert.False((bool?)reply["recovered"]);
        Assert.Equal(after.Epoch, (string?)reply["epoch"]);
        Assert.Equal(1UL, (ulong?)reply["offset"]);

        // Nothing was replayed; the next live message still arrives.
        await cluster.PublishToRoomAsync("flushed", """{"a":3}""");
        Assert.Equal(3, (int?)(await client.NextMessageAsync("room:flushed"))["data"]!["a"]);
        Assert.Single(client.MessagesOn("room:flushed"));
    }

    [Fact]
    public async Task Recovery_BeyondTheRetainedCount_SaysNotRecovered_AndHistoryKeepsTheLastN()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:History:Namespaces:room:MaxMessages"] = "5" };
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: settings);
        var first = await cluster.PublishToRoomAsync("small", """{"i":0}""");
        for (var i = 1; i < 12; i++)
        {
            await cluster.PublishToRoomAsync("small", $$"""{"i":{{i}}}""");
        }

        var history = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:small" });
        Assert.Equal([8UL, 9, 10, 11, 12], history.Messages.Select(m => m.Offset));
        Assert.Equal(12UL, history.Offset);

        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("r5", ["*"]));
        var tooOld = await client.SubscribeAsync("room:small", first.Epoch, first.Offset);
        Assert.False((bool?)tooOld["recovered"]);

        await using var recent = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("r6", ["*"]));
        var ok = await recent.SubscribeAsync("room:small", first.Epoch, 9);
        Assert.True((bool?)ok["recovered"]);
        Assert.Equal(10UL, (ulong?)(await recent.NextMessageAsync("room:small"))["offset"]);
    }

    [Fact]
    public async Task History_ExpiresByTime()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:History:Namespaces:room:TtlSeconds"] = "1" };
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: settings);
        await cluster.PublishToRoomAsync("brief", """{"i":1}""");
        var fresh = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:brief" });
        Assert.Single(fresh.Messages);

        await Eventually.TrueAsync(
            async () => (await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:brief" })).Messages.Count == 0,
            because: "messages older than the namespace TTL are not returned");
    }

    [Fact]
    public async Task GetHistory_WithSinceAndLimit_AndStaleEpoch()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0);
        PublishResponse last = null!;
        for (var i = 1; i <= 6; i++)
        {
            last = await cluster.PublishToRoomAsync("paged", $$"""{"i":{{i}}}""");
        }

        var page = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:paged", SinceOffset = 2, Limit = 3 });
        Assert.Equal([3UL, 4, 5], page.Messages.Select(m => m.Offset));
        Assert.Equal("""{"i":3}""", page.Messages[0].Data);
        Assert.Equal(last.Epoch, page.Epoch);

        var stale = await cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:paged", SinceOffset = 2, SinceEpoch = "other" });
        Assert.False(stale.Complete);
        Assert.Empty(stale.Messages);

        var bad = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.GetHistoryAsync(new GetHistoryRequest { Channel = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task Publish_WithSameIdempotencyKey_IsDeliveredOnce()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("i1", ["*"]));
        await client.SubscribeAsync("room:orders");

        var request = new PublishRequest { Target = new Target { Room = "orders" }, Event = "order.paid", Data = """{"order":42}""", IdempotencyKey = "order-42-paid" };
        var first = await cluster.Client.PublishAsync(request);
        var second = await cluster.Client.PublishAsync(request);
        Assert.False(first.Deduplicated);
        Assert.True(second.Deduplicated);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.Offset, second.Offset);

        await cluster.PublishToRoomAsync("orders", """{"order":43}""");
        Assert.Equal(42, (int?)(await client.NextMessageAsync("room:orders"))["data"]!["order"]);
        Assert.Equal(43, (int?)(await client.NextMessageAsync("room:orders"))["data"]!["order"]);
        Assert.Equal(2, client.MessagesOn("room:orders").Count);

        // The same key on another channel is independent.
        var elsewhere = await cluster.Client.PublishAsync(new PublishRequest { Target = new Target { Room = "invoices" }, Event = "e", Data = "1", IdempotencyKey = "order-42-paid" });
        Assert.False(elsewhere.Deduplicated);
    }

    [Fact]
    public async Task UserChannel_CanBeRecoveredAfterReconnect()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        var token = TestTokens.For("notify-me");
        ulong last;
        string epoch;
        await using (var first = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, token))
        {
            var r = await cluster.PublishToUserAsync("notify-me", """{"n":1}""");
            var msg = await first.NextMessageAsync("user:notify-me");
            last = (ulong)msg["offset"]!;
            epoch = r.Epoch;
        }

        await cluster.PublishToUserAsync("notify-me", """{"n":2}""");
        await using var second = await TestClient.ConnectAsync(cluster.Edges[1].WebSocketUrl, token);
        var reply = await second.SubscribeAsync("user:notify-me", epoch, last);
        Assert.True((bool?)reply["recovered"]);
        Assert.Equal(2, (int?)(await second.NextMessageAsync("user:notify-me"))["data"]!["n"]);
    }
}
