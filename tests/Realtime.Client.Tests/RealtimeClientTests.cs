using Realtime.TestKit;
using static Realtime.Client.Tests.ClientTestHelpers;

namespace Realtime.Client.Tests;

public class RealtimeClientTests
{
    [Fact]
    public async Task Connect_SubscribeRoom_ReceivesPublishedMessage()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var user = Unique("u");
        var states = new List<ConnectionState>();
        var options = new RealtimeClientOptions { Token = TestTokens.For(user, ["lobby-*"]) };
        options.Urls.Add(cluster.Edges[0].WebSocketUrl);
        await using var client = new RealtimeClient(options);
        client.StateChanged += (_, e) =>
        {
            lock (states)
            {
                states.Add(e.State);
            }
        };

        await client.ConnectAsync();
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal(cluster.Edges[0].ServerId, client.ServerId);
        Assert.Equal(user, client.UserId);
        Assert.Equal("user:" + user, client.UserMessages.Channel);

        await using var room = await client.SubscribeAsync("lobby-1");
        Assert.Equal("room:lobby-1", room.Channel);
        await cluster.PublishToRoomAsync("lobby-1", """{"n":1,"text":"hi"}""", "chat.message");
        var message = Assert.Single(await ReadAsync(room, 1));
        Assert.Equal(("room:lobby-1", "chat.message", "hi"), (message.Channel, message.Event, message.Data.GetProperty("text").GetString()));
        Assert.True(message.Offset > 0);

        await cluster.PublishToUserAsync(user, """{"n":2}""");
        await cluster.BroadcastAsync("""{"n":3}""");
        Assert.Equal(2, N(Assert.Single(await ReadAsync(client.UserMessages, 1))));
        Assert.Equal(3, N(Assert.Single(await ReadAsync(client.Broadcasts, 1))));

        await client.CloseAsync();
        Assert.Equal(ConnectionState.Closed, client.State);
        lock (states)
        {
            Assert.Equal([ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Closed], states);
        }
    }

    [Fact]
    public async Task Subscribe_RoomNotInToken_ThrowsForbidden()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var options = new RealtimeClientOptions { Token = TestTokens.For(Unique("u"), ["lobby"]) };
        options.Urls.Add(cluster.Edges[0].WebSocketUrl);
        await using var client = new RealtimeClient(options);
        await client.ConnectAsync();

        var error = await Assert.ThrowsAsync<RealtimeSubscribeException>(() => client.SubscribeAsync("secret"));
        Assert.Equal("forbidden", error.Code);

        // The connection stays usable, and the refused channel can be tried again.
        await using var lobby = await client.SubscribeAsync("lobby");
        Assert.Equal(ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task Connect_InvalidFixedToken_ClosesWith4001WithoutRetrying()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1);
        var options = new RealtimeClientOptions { Token = TestTokens.For("u1", secret: "another-secret-that-is-long-enough-for-hs256") };
        options.Urls.Add(cluster.Edges[0].WebSocketUrl);
        await using var client = new RealtimeClient(options);

        var error = await Assert.ThrowsAsync<RealtimeConnectionException>(() => client.ConnectAsync());
        Assert.Equal(4001, error.CloseCode);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task EdgeStops_ClientMovesToOtherEdge_AndRecoversMissedMessagesInOrderWithoutDuplicates()
    {
        await using var cluster = await Cluster.StartAsync(edges: 2);
        var user = Unique("u");
        var tokenCalls = 0;
        var reconnectGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = Options(cluster, async ct =>
        {
            if (Interlocked.Increment(ref tokenCalls) > 1)
            {
                // Hold the reconnect until the test has published while the client is away.
                await reconnectGate.Task.WaitAsync(ct);
            }

            return TestTokens.For(user, ["game"]);
        });
        await using var client = new RealtimeClient(options);
        var recovered = new List<SubscriptionRecoveredEventArgs>();
        await client.ConnectAsync();
        var firstEdge = client.ServerId;
        await using var room = await client.SubscribeAsync("game");
        room.Recovered += (_, e) => recovered.Add(e);

        for (var n = 1; n <= 3; n++)
        {
            await cluster.PublishToRoomAsync("game", $$"""{"n":{{n}}}""");
        }

        await cluster.PublishToUserAsync(user, """{"n":1}""");
        Assert.Equal([1, 2, 3], (await ReadAsync(room, 3)).Select(N));
        Assert.Equal(1, N(Assert.Single(await ReadAsync(client.UserMessages, 1))));

        // Graceful stop of the client's edge: reconnect hint + 1012.
        await cluster.Edges.Single(e => e.ServerId == firstEdge).StopAsync();
        await Eventually.TrueAsync(() => Volatile.Read(ref tokenCalls) >= 2, because: "the token provider is asked again on reconnect");
        Assert.NotEqual(ConnectionState.Connected, client.State);

        for (var n = 4; n <= 6; n++)
        {
            await cluster.PublishToRoomAsync("game", $$"""{"n":{{n}}}""");
        }

        await cluster.PublishToUserAsync(user, """{"n":2}""");
        reconnectGate.SetResult();
        await Eventually.TrueAsync(() => client.State == ConnectionState.Connected, because: "the client reconnects");
        Assert.NotEqual(firstEdge, client.ServerId);

        for (var n = 7; n <= 8; n++)
        {
            await cluster.PublishToRoomAsync("game", $$"""{"n":{{n}}}""");
        }

        var after = await ReadAsync(room, 5);
        Assert.Equal([4, 5, 6, 7, 8], after.Select(N));
        Assert.Equal([4UL, 5, 6, 7, 8], after.Select(m => m.Offset - after[0].Offset + 4));
        Assert.Equal(2, N(Assert.Single(await ReadAsync(client.UserMessages, 1))));
        Assert.False(room.Reader.TryRead(out var extra), "no duplicate: " + extra?.ToJson());
        Assert.Contains(recovered, e => e.Complete);
        Assert.DoesNotContain(after, m => m.AfterGap);
    }

    [Fact]
    public async Task TokenExpires_EdgeCloses4002_ProviderGivesNewTokenAndSubscribeCompletes()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: new Dictionary<string, string?> { ["Realtime:Auth:ClockSkewSeconds"] = "0" });
        var user = Unique("u");
        var calls = 0;
        var firstExpiry = DateTime.UtcNow;
        var options = Options(cluster, _ =>
        {
            var lifetime = Interlocked.Increment(ref calls) == 1 ? TimeSpan.FromSeconds(3) : TimeSpan.FromHours(1);
            if (calls == 1)
            {
                firstExpiry = DateTime.UtcNow + lifetime;
            }

            return ValueTask.FromResult(TestTokens.For(user, ["r"], lifetime));
        });
        await using var client = new RealtimeClient(options);
        var closeCodes = new List<int?>();
        client.StateChanged += (_, e) =>
        {
            if (e.State == ConnectionState.Reconnecting)
            {
                closeCodes.Add(e.CloseCode);
            }
        };
        await client.ConnectAsync();
        await Eventually.TrueAsync(() => DateTime.UtcNow > firstExpiry.AddMilliseconds(500), because: "the first token expires");

        // The edge checks expiry on the next command: it closes 4002, the SDK fetches a new token and resubscribes.
        await using var room = await client.SubscribeAsync("r");
        Assert.True(calls >= 2);
        Assert.Contains(4002, closeCodes);
        await cluster.PublishToRoomAsync("r", """{"n":1}""");
        Assert.Equal(1, N(Assert.Single(await ReadAsync(room, 1))));
    }
}

public class SubscribeTokenExpiryTests
{
    [Fact]
    public async Task ASubscriptionEndedByTheEdge_EndsItsEnumerationWithTheReason()
    {
        var settings = new Dictionary<string, string?> { ["Realtime:Auth:ClockSkewSeconds"] = "0" };
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: settings);
        var user = Unique("guest");
        var options = new RealtimeClientOptions { Token = TestTokens.For(user) };
        options.Urls.Add(cluster.Edges[0].WebSocketUrl);
        await using var client = new RealtimeClient(options);
        await client.ConnectAsync();

        var token = TestTokens.For(user, lifetime: TimeSpan.FromSeconds(3), extra: new Dictionary<string, object> { ["channel"] = "room:vip" });
        await using var vip = await client.SubscribeAsync("room:vip", token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<RealtimeSubscribeException>(async () =>
        {
            await foreach (var _ in vip.ReadAllAsync(timeout.Token))
            {
            }
        });
        Assert.Equal("token_expired", error.Code);
        Assert.Equal("room:vip", error.Channel);
        Assert.Equal(ConnectionState.Connected, client.State);
    }
}
