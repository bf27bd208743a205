using System.Net.WebSockets;
using System.Text;
using Prometheus;
using Realtime.Core.Channels;
using Realtime.Edge.Auth;
using Realtime.Edge.Connections;
using Realtime.Edge.Subscriptions;

namespace Realtime.Edge.Tests.Subscriptions;

/// <summary>
/// The merge of history and live delivery for one member, driven in the orders that the network
/// can produce: whatever the interleaving, each offset reaches the client once, in order.
/// </summary>
public sealed class ChannelMemberTests
{
    private readonly Connection _connection = new(
        "c1",
        new ClientIdentity("u", [], DateTimeOffset.MaxValue),
        WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }),
        1024,
        4096,
        new EdgeMetrics(Metrics.WithCustomRegistry(Metrics.NewCustomRegistry())));

    private ChannelMember NewMember() => new(_connection, new ChannelEntry(ChannelName.Parse("room:a"), 0));

    private static ReadOnlyMemory<byte> F(string text) => Encoding.UTF8.GetBytes(text);

    private static (ulong, ReadOnlyMemory<byte>)[] History(params ulong[] offsets) => [.. offsets.Select(o => (o, F(o.ToString(System.Globalization.CultureInfo.InvariantCulture))))];

    private List<string> Sent() => [.. _connection.TakeQueued().Select(m => Encoding.UTF8.GetString(m.Span))];

    [Fact]
    public void Recovery_HistoryReadOvertakesPubSub_LateLiveCopiesAreDropped()
    {
        var member = NewMember();
        member.BeginBuffering();
        member.AnswerRecovered(F("reply"), new("e1", 1), History(2, 3));
        member.Deliver(new("e1", 2), F("2"));
        member.Deliver(new("e1", 3), F("3"));
        member.Deliver(new("e1", 4), F("4"));
        Assert.Equal(["reply", "2", "3", "4"], Sent());
    }

    [Fact]
    public void Recovery_LiveArrivesDuringHistoryRead_IsMergedWithoutDuplicates()
    {
        var member = NewMember();
        member.BeginBuffering();
        member.Deliver(new("e1", 3), F("3"));
        member.Deliver(new("e1", 4), F("4"));
        member.AnswerRecovered(F("reply"), new("e1", 1), History(2, 3));
        member.Deliver(new("e1", 5), F("5"));
        Assert.Equal(["reply", "2", "3", "4", "5"], Sent());
    }

    [Fact]
    public void Recovery_NothingMissed_InFlightCopiesOfWhatTheClientHasAreDropped()
    {
        var member = NewMember();
        member.BeginBuffering();
        member.AnswerRecovered(F("reply"), new("e1", 7), []);
        member.Deliver(new("e1", 7), F("7"));
        member.Deliver(new("e1", 8), F("8"));
        Assert.Equal(["reply", "8"], Sent());
    }

    [Fact]
    public void PlainSubscribe_MessagesAtOrBeforeThePromisedPosition_AreNotRepeated()
    {
        var member = NewMember();
        member.BeginBuffering();
        member.AnswerFrom(F("reply"), new("e1", 5));
        member.Deliver(new("e1", 5), F("5"));
        member.Deliver(new("e1", 6), F("6"));
        Assert.Equal(["reply", "6"], Sent());
    }

    [Fact]
    public void ResubscribeOfALiveMember_FillsTheOlderGapAndKeepsNewerLive()
    {
        var member = NewMember();
        member.Deliver(new("e1", 8), F("8"));
        member.Deliver(new("e1", 9), F("9"));
        member.Deliver(new("e1", 10), F("10"));
        member.BeginBuffering();
        member.Deliver(new("e1", 11), F("11"));
        member.Deliver(new("e1", 12), F("12"));
        member.AnswerRecovered(F("reply"), new("e1", 5), History(6, 7, 8, 9, 10, 11, 12));
        member.Deliver(new("e1", 12), F("12"));
        member.Deliver(new("e1", 13), F("13"));
        Assert.Equal(["8", "9", "10", "reply", "6", "7", "11", "12", "13"], Sent());
    }

    [Fact]
    public void Resync_AfterBrokerLoss_SendsWhatWasMissedThenLive_InOrderOnce()
    {
        var member = NewMember();
        member.Deliver(new("e1", 1), F("1"));
        member.Deliver(new("e1", 2), F("2"));
        Assert.True(member.TryBeginResync(out var sent));
        Assert.Equal(("e1", 2UL), (sent.Epoch, sent.Offset));
        member.Deliver(new("e1", 5), F("5"));
        member.EndResync("e1", History(1, 2, 3, 4, 5));
        member.Deliver(new("e1", 5), F("5"));
        member.Deliver(new("e1", 6), F("6"));
        Assert.Equal(["1", "2", "3", "4", "5", "6"], Sent());
    }

    [Fact]
    public void Resync_NotStartedWhileASubscribeIsBeingAnswered()
    {
        var member = NewMember();
        member.Deliver(new("e1", 1), F("1"));
        member.BeginBuffering();
        Assert.False(member.TryBeginResync(out _));
    }

    [Fact]
    public void NewEpoch_RestartsOffsets_AndIsDelivered()
    {
        var member = NewMember();
        member.Deliver(new("e1", 9), F("e1/9"));
        member.Deliver(new("e2", 1), F("e2/1"));
        member.Deliver(new("e2", 2), F("e2/2"));
        Assert.Equal(["e1/9", "e2/1", "e2/2"], Sent());
    }
}
