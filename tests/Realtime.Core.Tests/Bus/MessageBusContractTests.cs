using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Messages;
using Realtime.Core.History;
using Realtime.Core.Options;
using Realtime.Redis;
using Realtime.TestKit;

namespace Realtime.Core.Tests.Bus;

/// <summary>One contract, run against the in-memory and the Redis implementation of the bus and history seams.</summary>
public abstract class MessageBusContractTests : IAsyncLifetime
{
    protected static HistoryOptions History { get; } = new();

    protected IMessageBus Bus { get; set; } = null!;

    protected IHistoryStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Publish_ToSubscribedChannel_DeliversFrameWithOffsetAndEpoch()
    {
        var received = new ConcurrentQueue<BusFrame>();
        await using var sub = await Bus.SubscribeAsync(ChannelName.Parse("room:c1"), p =>
        {
            Assert.True(BusFrame.TryDecode(p.Span, out var f));
            received.Enqueue(f);
        });

        var r1 = await Bus.PublishAsync(Message("room:c1", "1"));
        var r2 = await Bus.PublishAsync(Message("room:c1", "2"));

        Assert.Equal(1UL, r1.Position.Offset);
        Assert.Equal(2UL, r2.Position.Offset);
        Assert.Equal(r1.Position.Epoch, r2.Position.Epoch);
        Assert.False(string.IsNullOrEmpty(r1.Position.Epoch));
        await Eventually.TrueAsync(() => received.Count == 2);
        Assert.Equal([1UL, 2UL], received.Select(f => f.Position.Offset));
        Assert.Equal(["1", "2"], received.Select(f => f.Envelope.Data.ToStringUtf8()));
    }

    [Fact]
    public async Task Publish_WithoutHistory_HasNoOffset()
    {
        var r = await Bus.PublishAsync(Message("broadcast", "1"));
        Assert.Equal(0UL, r.Position.Offset);
        Assert.Equal(string.Empty, r.Position.Epoch);
    }

    [Fact]
    public async Task Unsubscribe_StopsDelivery_ToThatHandlerOnly()
    {
        var a = 0;
        var b = 0;
        var subA = await Bus.SubscribeAsync(ChannelName.Parse("room:c2"), _ => Interlocked.Increment(ref a));
        await using var subB = await Bus.SubscribeAsync(ChannelName.Parse("room:c2"), _ => Interlocked.Increment(ref b));
        await Bus.PublishAsync(Message("room:c2", "1"));
        await Eventually.TrueAsync(() => a == 1 && b == 1);

        await subA.DisposeAsync();
        await Bus.PublishAsync(Message("room:c2", "2"));
        await Eventually.TrueAsync(() => b == 2);
        Assert.Equal(1, a);
    }

    [Fact]
    public async Task History_ReadsAfterOffset()
    {
        for (var i = 1; i <= 4; i++)
        {
            await Bus.PublishAsync(Message("room:c3", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var page = await Store.ReadAsync(ChannelName.Parse("room:c3"), 2, 10, HistoryOf("room:c3"));
        Assert.Equal(4UL, page.Top.Offset);
        Assert.True(page.Complete);
        Assert.Equal([3UL, 4UL], page.Entries.Select(e => e.Offset));
        Assert.Equal("3", Core.Messages.Envelope.Parser.ParseFrom(page.Entries[0].Envelope.Span).Data.ToStringUtf8());
    }

    [Fact]
    public async Task History_OfUnknownChannel_IsEmpty()
    {
        var page = await Store.ReadAsync(ChannelName.Parse("room:never"), 0, 10, HistoryOf("room:never"));
        Assert.Equal(0UL, page.Top.Offset);
        Assert.Empty(page.Entries);
        Assert.True(page.Complete);
    }

    [Fact]
    public async Task Idempotency_SameKeySameChannel_ReturnsOriginal()
    {
        var first = await Bus.PublishAsync(Message("room:c4", "1", key: "k1"));
        var again = await Bus.PublishAsync(Message("room:c4", "1", key: "k1"));
        Assert.True(again.Deduplicated);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(first.Position.Offset, again.Position.Offset);
        Assert.Equal(1UL, (await Store.ReadAsync(ChannelName.Parse("room:c4"), 0, 0, HistoryOf("room:c4"))).Top.Offset);
    }

    private static HistoryPolicy HistoryOf(string channel) => History.For(ChannelName.Parse(channel));

    protected static OutgoingMessage Message(string channel, string data, string? key = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var envelope = new Core.Messages.Envelope { Id = id, Channel = channel, Event = "e", Data = ByteString.CopyFromUtf8(data) };
        var name = ChannelName.Parse(channel);
        return new OutgoingMessage(name, id, envelope.ToByteArray(), key, History.PublishOptionsFor(name));
    }
}

public sealed class InMemoryMessageBusTests : MessageBusContractTests
{
    public override Task InitializeAsync()
    {
        var log = new InMemoryChannelLog(TimeProvider.System);
        Bus = new InMemoryMessageBus(log);
        Store = new InMemoryHistoryStore(log);
        return Task.CompletedTask;
    }
}

public sealed class RedisMessageBusTests : MessageBusContractTests
{
    private RedisConnection _connection = null!;

    public override async Task InitializeAsync()
    {
        var redis = await RedisServer.GetAsync();
        var options = Microsoft.Extensions.Options.Options.Create(new RedisOptions { Url = redis.Url, Prefix = "c" + Guid.NewGuid().ToString("N")[..8] });
        _connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        Bus = new RedisMessageBus(_connection);
        Store = new RedisHistoryStore(_connection);
    }

    public override async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task PublishScript_RunsBySha_AndSurvivesAScriptFlush()
    {
        var redis = await RedisServer.GetAsync();
        var admin = RedisUrl.Parse(redis.Url);
        admin.AllowAdmin = true;
        await using var multiplexer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(admin);
        var server = multiplexer.GetServers()[0];
        await Bus.PublishAsync(Message("room:sha", "1"));
        var before = EvalShaCalls(server);
        await Bus.PublishAsync(Message("room:sha", "2"));
        Assert.True(EvalShaCalls(server) > before, "the second publish should run the cached script by SHA");

        await server.ScriptFlushAsync();
        var after = await Bus.PublishAsync(Message("room:sha", "3"));
        Assert.Equal(3UL, after.Position.Offset);
    }

    private static long EvalShaCalls(StackExchange.Redis.IServer server)
    {
        var stats = server.Info("commandstats").SelectMany(g => g).FirstOrDefault(kv => kv.Key == "cmdstat_evalsha").Value;
        if (stats is null)
        {
            return 0;
        }

        var calls = stats.Split(',')[0].Split('=')[1];
        return long.Parse(calls, System.Globalization.CultureInfo.InvariantCulture);
    }
}
