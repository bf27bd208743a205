using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Realtime.Core.Events;
using Realtime.Dispatcher.Events;
using Realtime.Redis;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Events;

public sealed class WebhookTests
{
    private const string Secret = "webhook-secret-0123456789";

    private static Dictionary<string, string?> Settings(WebhookReceiver receiver, int maxAttempts) => new()
    {
        ["Realtime:Webhooks:Endpoints:0:Url"] = receiver.Url.ToString(),
        ["Realtime:Webhooks:Endpoints:0:Secret"] = Secret,
        ["Realtime:Webhooks:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Realtime:Webhooks:InitialBackoffMs"] = "50",
        ["Realtime:Webhooks:MaxBackoffMs"] = "200",
    };

    [Fact]
    public async Task AReceiverFailingTheFirstThreeAttempts_GetsEveryEvent_Signed_InOrderPerUser()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 3;
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 1, settings: Settings(receiver, maxAttempts: 8));
        await using var reader = new EventStreamReader(cluster);
        await Task.Delay(500); // the consumer group exists (it starts at the stream's end)
        for (var i = 0; i < 3; i++)
        {
            await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For($"h{i % 2}", ["*"]));
            await client.SubscribeAsync($"room:h{i}");
            await client.RequestAsync("unsubscribe", $"room:h{i}");
        }

        var expected = await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Disconnected) == 3, "all closed");
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= expected.Count, because: "every event is delivered");
        await Task.Delay(300);
        var delivered = receiver.Accepted.ToList();
        Assert.Equal(expected.Count, delivered.Count);
        Assert.Equal(expected.Select(e => e.Id).Order(StringComparer.Ordinal), delivered.Select(d => d.Event.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        foreach (var (body, cloudEvent, signature) in delivered)
        {
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)), signature);
            Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
            Assert.StartsWith("io.realtime.", cloudEvent.GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        // In order per user: each user's seq arrives increasing.
        foreach (var user in delivered.Where(d => !EventTypes.IsChannelScoped(d.Event.GetProperty("data").GetProperty("type").GetString()!))
                     .GroupBy(d => d.Event.GetProperty("data").GetProperty("user").GetString()))
        {
            var seqs = user.Select(d => d.Event.GetProperty("data").GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(seqs.Order(), seqs);
        }

        Assert.True(receiver.Requests >= expected.Count + 3);
        var metrics = cluster.Dispatchers[0].Services.GetRequiredService<EventMetrics>();
        Assert.Equal(expected.Count, metrics.WebhooksDelivered.Value);
        Assert.Equal(3, metrics.WebhooksFailed.Value);
    }

    [Fact]
    public async Task AReceiverDownPastTheRetryBudget_LeavesTheEventsInTheDeadLetterStream_Counted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AlwaysFail = true;
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 1, settings: Settings(receiver, maxAttempts: 3));
        await using var reader = new EventStreamReader(cluster);
        await Task.Delay(500);
        await using (var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("dl", ["*"])))
        {
            await client.SubscribeAsync("room:dl");
        }

        var expected = await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Disconnected), "closed");
        var consumer = new RedisEventConsumer(reader.Connection);
        IReadOnlyList<LifecycleEvent> dead = [];
        await Eventually.TrueAsync(async () => (dead = await consumer.ReadDeadLettersAsync(100)).Count == expected.Count, because: "every event ends in the dead-letter stream");
        // Lanes (users, channels) are delivered concurrently; within one the order holds.
        Assert.Equal(expected.Select(e => (e.Id, e.Type, e.Seq)).Order(), dead.Select(e => (e.Id, e.Type, e.Seq)).Order());
        Assert.Equal(expected.Where(e => e.User == "dl" && !EventTypes.IsChannelScoped(e.Type)).Select(e => e.Id), dead.Where(e => e.User == "dl" && !EventTypes.IsChannelScoped(e.Type)).Select(e => e.Id));
        var metrics = cluster.Dispatchers[0].Services.GetRequiredService<EventMetrics>();
        Assert.Equal(expected.Count, metrics.WebhooksDeadLettered.Value);
        Assert.Equal(expected.Count * 3, metrics.WebhooksFailed.Value);
        Assert.Equal(0, metrics.WebhooksDelivered.Value);
    }

    [Fact]
    public async Task EventsADispatcherLeftUnacknowledged_AreClaimedAndDeliveredByAnother()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = Settings(receiver, maxAttempts: 3);
        settings["Realtime:Webhooks:ClaimIdleMs"] = "300";
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 0, settings: settings);
        await using var reader = new EventStreamReader(cluster);
        var consumer = new RedisEventConsumer(reader.Connection);
        await consumer.EnsureGroupAsync("webhook-0"); // the group the dispatcher uses for endpoint 0
        await using (var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For("orphan", ["*"])))
        {
            await client.SubscribeAsync("room:orphan");
        }

        var expected = await reader.WaitForAsync(e => e.Any(x => x.Type == EventTypes.Disconnected && x.User == "orphan"), "closed");
        // A dispatcher that read the events and died before delivering them.
        var taken = await consumer.ReadAsync("webhook-0", "dispatcher-that-died", 100, pending: false);
        Assert.Equal(expected.Count, taken.Count);

        await using var live = await ServiceHost.StartDispatcherAsync("dispatcher-live", cluster.Settings);
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= expected.Count, because: "the live dispatcher claims and delivers them");
        Assert.Equal(expected.Select(e => e.Id).Order(StringComparer.Ordinal), receiver.Accepted.Select(d => d.Event.GetProperty("id").GetString()!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WithTwoDispatchers_OneDeliversAtATime_EachUsersEventsArriveInOrder_AndTheOtherTakesOverWhenItStops()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var cluster = await Cluster.StartAsync(edges: 1, dispatchers: 2, settings: Settings(receiver, maxAttempts: 8));
        await using var reader = new EventStreamReader(cluster);
        await Task.Delay(1000); // the consumer group exists (it starts at the stream's end)

        async Task ChurnAsync(string tag)
        {
            for (var i = 0; i < 12; i++)
            {
                await using var client = await TestClient.ConnectAsync(cluster.Edges[0].WebSocketUrl, TestTokens.For($"{tag}{i % 3}", ["*"]));
                await client.SubscribeAsync($"room:{tag}{i % 4}");
            }
        }

        await ChurnAsync("o");
        var first = await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Disconnected) == 12, "first round closed");
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= first.Count, because: "the first round is delivered");
        var deliveredBy = cluster.Dispatchers.Select(d => d.Services.GetRequiredService<EventMetrics>().WebhooksDelivered.Value).ToArray();
        Assert.Single(deliveredBy, n => n > 0); // one dispatcher holds the endpoint's lease

        // The holder stops (gives the lease up): the other takes over.
        var holder = cluster.Dispatchers[Array.FindIndex(deliveredBy, n => n > 0)];
        await holder.StopAsync();
        await ChurnAsync("p");
        var all = await reader.WaitForAsync(e => e.Count(x => x.Type == EventTypes.Disconnected) == 24, "second round closed");
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= all.Count, TimeSpan.FromSeconds(40), "the second round is delivered by the other dispatcher");

        var delivered = receiver.Accepted.ToList();
        Assert.Equal(all.Select(e => e.Id).Order(StringComparer.Ordinal), delivered.Select(d => d.Event.GetProperty("id").GetString()!).Distinct().Order(StringComparer.Ordinal));
        foreach (var user in delivered.Where(d => !EventTypes.IsChannelScoped(d.Event.GetProperty("data").GetProperty("type").GetString()!))
                     .GroupBy(d => d.Event.GetProperty("data").GetProperty("user").GetString()))
        {
            var seqs = user.Select(d => d.Event.GetProperty("data").GetProperty("seq").GetInt64()).Distinct().ToList();
            Assert.Equal(seqs.Order(), seqs);
        }
    }
}
