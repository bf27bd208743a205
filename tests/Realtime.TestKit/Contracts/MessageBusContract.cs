using System.Collections.Concurrent;
using Google.Protobuf;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.History;
using Realtime.Core.Messages;
using Realtime.Core.Options;
using Xunit;

namespace Realtime.TestKit.Contracts;

/// <summary>
/// The <see cref="IMessageBus"/> contract (publish, subscribe, offsets, idempotency), run against
/// every implementation: derive, set <see cref="Bus"/> and <see cref="Store"/> in InitializeAsync.
/// </summary>
public abstract class MessageBusContract : IAsyncLifetime
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
    public async Task Idempotency_SameKeySameChannel_ReturnsOriginal()
    {
        var first = await Bus.PublishAsync(Message("room:c4", "1", key: "k1"));
        var again = await Bus.PublishAsync(Message("room:c4", "1", key: "k1"));
        Assert.True(again.Deduplicated);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(first.Position.Offset, again.Position.Offset);
        Assert.Equal(1UL, (await Store.ReadAsync(ChannelName.Parse("room:c4"), 0, 0, HistoryOf("room:c4"))).Top.Offset);
    }

    protected static HistoryPolicy HistoryOf(string channel) => History.For(ChannelName.Parse(channel));

    /// <summary>A message as the dispatcher builds it: envelope bytes plus the channel's publish options.</summary>
    public static OutgoingMessage Message(string channel, string data, string? key = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var envelope = new Envelope { Id = id, Channel = channel, Event = "e", Data = ByteString.CopyFromUtf8(data) };
        var name = ChannelName.Parse(channel);
        return new OutgoingMessage(name, id, envelope.ToByteArray(), key, History.PublishOptionsFor(name));
    }
}
