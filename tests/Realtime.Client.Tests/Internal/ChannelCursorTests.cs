using System.Text;
using Realtime.Client.Internal;
using Realtime.Client.Protocol;

namespace Realtime.Client.Tests.Internal;

public class ChannelCursorTests
{
    [Fact]
    public void Resubscribe_Room_ReplayThenLive_DropsDuplicates()
    {
        var cursor = new ChannelCursor();
        var output = new List<RealtimeMessage>();
        cursor.BeginSubscribe();
        cursor.OnReply(Reply("e1", 2, null), sentSince: false, output);
        Feed(cursor, output, 3, 4);

        Assert.True(cursor.BeginSubscribe());
        Assert.True(cursor.OnReply(Reply("e1", 6, true), sentSince: true, output));
        Feed(cursor, output, 4, 5, 6, 6, 7);

        Assert.Equal([3UL, 4, 5, 6, 7], output.Select(m => m.Offset));
        Assert.DoesNotContain(output, m => m.AfterGap);
    }

    [Fact]
    public void Resubscribe_UserChannel_LiveBeforeReply_IsReleasedAfterMissedInOrder()
    {
        var cursor = new ChannelCursor();
        var output = new List<RealtimeMessage>();
        cursor.BeginSubscribe();
        cursor.OnReply(Reply("e1", 0, null), sentSince: false, output);
        Feed(cursor, output, 1, 2);

        // Reconnected: live 5 and 6 arrive before the since-reply, then the missed 3 and 4.
        cursor.BeginSubscribe();
        Feed(cursor, output, 5, 6);
        cursor.OnReply(Reply("e1", 6, true), sentSince: true, output);
        Feed(cursor, output, 3, 4, 7);

        Assert.Equal([1UL, 2, 3, 4, 5, 6, 7], output.Select(m => m.Offset));
    }

    [Fact]
    public void Resubscribe_EpochUnknownAtJoin_RecoversFromZeroAndDropsWhatWasSeen()
    {
        var cursor = new ChannelCursor();
        var output = new List<RealtimeMessage>();
        cursor.BeginSubscribe();
        cursor.OnReply(Reply(null, 0, null), sentSince: false, output);
        Feed(cursor, output, 1, 2, 3);
        Assert.Equal(0UL, cursor.SinceOffset);

        cursor.BeginSubscribe();
        Assert.True(cursor.OnReply(Reply("e1", 5, true), sentSince: true, output));
        Feed(cursor, output, 1, 2, 3, 4, 5, 6);

        Assert.Equal([1UL, 2, 3, 4, 5, 6], output.Select(m => m.Offset));
        Assert.Equal("e1", cursor.Epoch);
        Assert.Equal(6UL, cursor.SinceOffset);
    }

    [Fact]
    public void Resubscribe_NotRecovered_MarksGapAndContinues()
    {
        var cursor = new ChannelCursor();
        var output = new List<RealtimeMessage>();
        cursor.BeginSubscribe();
        cursor.OnReply(Reply("e1", 10, null), sentSince: false, output);
        Feed(cursor, output, 11);

        cursor.BeginSubscribe();
        Assert.False(cursor.OnReply(Reply("e2", 3, false), sentSince: true, output));
        Feed(cursor, output, 4);

        Assert.Equal(1, cursor.TakeGaps());
        Assert.Equal("e2", cursor.Epoch);
        Assert.Equal([11UL, 4], output.Select(m => m.Offset));
        Assert.True(output[1].AfterGap);
    }

    [Fact]
    public void Live_OffsetJump_IsReportedAsGap()
    {
        var cursor = new ChannelCursor();
        var output = new List<RealtimeMessage>();
        cursor.BeginSubscribe();
        cursor.OnReply(Reply("e1", 1, null), sentSince: false, output);
        Feed(cursor, output, 2, 5);

        Assert.Equal(1, cursor.TakeGaps());
        Assert.True(output[1].AfterGap);
    }

    [Fact]
    public void NoHistory_MessagesWithoutOffset_AllPassThrough()
    {
        var cursor = new ChannelCursor();
        var output = new List<RealtimeMessage>();
        cursor.BeginSubscribe();
        cursor.OnReply(Reply(null, 0, null), sentSince: false, output);
        Feed(cursor, output, 0, 0);
        cursor.BeginSubscribe();
        cursor.OnReply(Reply(null, 0, false), sentSince: true, output);
        Feed(cursor, output, 0);

        Assert.Equal(3, output.Count);
        Assert.Equal(0, cursor.TakeGaps());
    }

    [Fact]
    public void Epoch_IsLearntFromMessages_AndANewEpochIsAGapNotADuplicate()
    {
        var cursor = new ChannelCursor();
        var output = new List<RealtimeMessage>();
        cursor.BeginSubscribe();
        cursor.OnReply(Reply(null, 0, null), sentSince: false, output); // channel never published: no epoch yet
        FeedWithEpoch(cursor, output, "e1", 1, 2);
        Assert.Equal("e1", cursor.Epoch);
        Assert.Equal(2UL, cursor.SinceOffset);

        // History lost on the server: offsets restart at 1 in epoch e2; they must not be dropped as duplicates.
        FeedWithEpoch(cursor, output, "e2", 1, 2);
        Assert.Equal([1UL, 2, 1, 2], output.Select(m => m.Offset));
        Assert.True(output[2].AfterGap);
        Assert.Equal("e2", cursor.Epoch);
    }

    private static void FeedWithEpoch(ChannelCursor cursor, List<RealtimeMessage> output, string epoch, params ulong[] offsets)
    {
        foreach (var offset in offsets)
        {
            var frame = ServerFrame.Parse(Encoding.UTF8.GetBytes($$"""{"op":"msg","channel":"room:a","event":"e","data":{},"id":"m{{offset}}","offset":{{offset}},"epoch":"{{epoch}}"}"""))!;
            cursor.OnMessage(frame.Message!, output);
        }
    }

    private static void Feed(ChannelCursor cursor, List<RealtimeMessage> output, params ulong[] offsets)
    {
        foreach (var offset in offsets)
        {
            var frame = ServerFrame.Parse(Encoding.UTF8.GetBytes($$"""{"op":"msg","channel":"room:a","event":"e","data":{"n":{{offset}}},"id":"m{{offset}}","offset":{{offset}}}"""))!;
            cursor.OnMessage(frame.Message!, output);
        }
    }

    private static ServerFrame Reply(string? epoch, ulong offset, bool? recovered)
    {
        var json = $$"""{"op":"reply","id":1,"ok":true,"channel":"room:a"{{(epoch is null ? string.Empty : $",\"epoch\":\"{epoch}\",\"offset\":{offset}")}}{{(recovered is null ? string.Empty : $",\"recovered\":{(recovered.Value ? "true" : "false")}")}}}""";
        return ServerFrame.Parse(Encoding.UTF8.GetBytes(json))!;
    }
}
