using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Core.Events;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.IntegrationTests.Events;

public sealed class WatchEventsTests
{
    [Fact]
    public async Task WatchEvents_ResumedFromACursor_MissesNothingAndRepeatsNothing()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 1);
        await using var reader = new EventStreamReader(cluster);
        using var channel = GrpcChannel.ForAddress(cluster.Dispatchers[0].GrpcUrl!);
        var events = new Realtime.V1.Events.EventsClient(channel);
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For($"w{i}", ["*"]));
                clients.Add(client);
                await client.SubscribeAsync($"room:w{i % 2}");
            }

            var received = new List<Realtime.V1.LifecycleEvent>();
            await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Subscribed) == 5, "the first batch");

            // First watch: take ten events, then drop the stream.
            using (var first = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                using var call = events.WatchEvents(new WatchEventsRequest { Cursor = "0" }, cancellationToken: first.Token);
                while (received.Count < 10 && await call.ResponseStream.MoveNext(first.Token))
                {
                    received.Add(call.ResponseStream.Current);
                }

                await first.CancelAsync();
            }

            // Meanwhile more happens.
            foreach (var client in clients.Take(3))
            {
                await client.DisposeAsync();
            }

            var expected = await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Disconnected) == 3, "the closes");

            // Resume after the last event received.
            using (var second = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                using var call = events.WatchEvents(new WatchEventsRequest { Cursor = received[^1].Cursor }, cancellationToken: second.Token);
                while (received.Count < expected.Count && await call.ResponseStream.MoveNext(second.Token))
                {
                    received.Add(call.ResponseStream.Current);
                }
            }

            Assert.Equal(expected.Select(e => e.Id), received.Select(e => e.Cursor));
            Assert.Equal(expected.Select(e => (e.Type, e.User, e.Seq)), received.Select(e => (e.Type, e.User, e.Seq)));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task WatchEvents_FiltersByTypeAndChannelPattern_AndStartsAtNowWithoutACursor()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 1);
        await using var reader = new EventStreamReader(cluster);
        using var channel = GrpcChannel.ForAddress(cluster.Dispatchers[0].GrpcUrl!);
        var events = new Realtime.V1.Events.EventsClient(channel);
        await using var early = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("early", ["*"]));
        await early.SubscribeAsync("room:game-1");
        await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Subscribed), "the early subscribe");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var request = new WatchEventsRequest { ChannelPattern = "room:game-*" };
        request.EventTypes.Add(EventTypes.Subscribed);
        using var call = events.WatchEvents(request, cancellationToken: cts.Token);
        await Eventually.TrueAsync(() => cluster.Dispatchers[0].Services.GetRequiredService<Realtime.Dispatcher.Events.EventMetrics>().Watchers.Value == 1, because: "the watch is open");
        await Task.Delay(300); // the watch has read its starting cursor
        await using var late = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("late", ["*"]));
        await late.SubscribeAsync("room:chat");
        await late.SubscribeAsync("room:game-2");

        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal((EventTypes.Subscribed, "late", "room:game-2"), (call.ResponseStream.Current.Type, call.ResponseStream.Current.User, call.ResponseStream.Current.Channel));

        var bad = new WatchEventsRequest();
        bad.EventTypes.Add("nope");
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var badCall = events.WatchEvents(bad);
            await badCall.ResponseStream.MoveNext(cts.Token);
        });
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task WatchEvents_OverHttpJson_StreamsOneObjectPerEvent()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 1);
        await using var reader = new EventStreamReader(cluster);
        await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("hx", ["*"]));
        await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Connected), "connected");

        using var http = new HttpClient { BaseAddress = cluster.Dispatchers[0].HttpUrl };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events/watch") { Content = new StringContent("{\"cursor\":\"0\"}", System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var text = string.Empty;
        while (!text.Contains('}', StringComparison.Ordinal))
        {
            var buffer = new char[4096];
            var n = await body.ReadAsync(buffer, cts.Token);
            Assert.True(n > 0, "the stream ended early");
            text += new string(buffer, 0, n);
        }

        using var first = System.Text.Json.JsonDocument.Parse(text[..(text.IndexOf('}', StringComparison.Ordinal) + 1)]);
        Assert.Equal(EventTypes.Connected, first.RootElement.GetProperty("type").GetString());
        Assert.Equal("hx", first.RootElement.GetProperty("user").GetString());
    }

    [Fact]
    public async Task WatchEvents_FromACursorWhoseSuccessorsWereTrimmed_IsOutOfRange_NotASilentGap()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 1);
        await using var reader = new EventStreamReader(cluster);
        using var channel = GrpcChannel.ForAddress(cluster.Dispatchers[0].GrpcUrl!);
        var events = new Realtime.V1.Events.EventsClient(channel);
        for (var i = 0; i < 3; i++)
        {
            await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For($"t{i}", ["*"]));
        }

        var all = await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Disconnected) == 3, "three connections came and went");
        var oldCursor = all[0].Id;

        // A cursor whose successors are all retained resumes.
        using (var ok = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            using var call = events.WatchEvents(new WatchEventsRequest { Cursor = oldCursor }, cancellationToken: ok.Token);
            Assert.True(await call.ResponseStream.MoveNext(ok.Token));
            Assert.Equal(all[1].Id, call.ResponseStream.Current.Cursor);
        }

        // Retention removes all but the newest event: resuming from the old cursor would skip some.
        var stream = new Realtime.Redis.RedisEventConsumer(reader.Connection).Keys.Stream;
        await reader.Connection.RunOnDatabaseAsync(db => db.ExecuteAsync("XTRIM", stream, "MAXLEN", "1"), CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var trimmed = events.WatchEvents(new WatchEventsRequest { Cursor = oldCursor }, cancellationToken: cts.Token);
        var error = await Assert.ThrowsAsync<RpcException>(() => trimmed.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Contains("no longer retained", error.Status.Detail, StringComparison.Ordinal);

        // The newest event's own cursor is still fine.
        using var fine = events.WatchEvents(new WatchEventsRequest { Cursor = all[^1].Id }, cancellationToken: cts.Token);
        using var brief = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var moved = await Assert.ThrowsAsync<RpcException>(() => fine.ResponseStream.MoveNext(brief.Token));
        Assert.Equal(StatusCode.Cancelled, moved.StatusCode);
    }
}
