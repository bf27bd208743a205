using System.Text;
using Google.Protobuf;
using Realtime.Core.History;
using Realtime.Core.Messages;

namespace Realtime.Core.Tests.Messages;

public sealed class BusFrameTests
{
    private static readonly Core.Messages.Envelope Sample = new()
    {
        Id = "01ABC",
        Channel = "room:lobby",
        Event = "chat.message",
        Data = ByteString.CopyFromUtf8("""{"text":"hi"}"""),
        PublishedAtMs = 1_700_000_000_000,
    };

    [Fact]
    public void EncodeThenDecode_RoundTrips()
    {
        var bytes = BusFrame.Encode(new StreamPosition("e1", 42), Sample.ToByteArray());
        Assert.StartsWith("42:e1:", Encoding.ASCII.GetString(bytes, 0, 6), StringComparison.Ordinal);
        Assert.True(BusFrame.TryDecode(bytes, out var frame));
        Assert.Equal(42UL, frame.Position.Offset);
        Assert.Equal("e1", frame.Position.Epoch);
        Assert.Equal(Sample, frame.Envelope);
    }

    [Fact]
    public void Decode_WithoutHistory_HasZeroOffsetAndEmptyEpoch()
    {
        Assert.True(BusFrame.TryDecode(BusFrame.Encode(StreamPosition.None, Sample.ToByteArray()), out var frame));
        Assert.Equal(0UL, frame.Position.Offset);
        Assert.Equal(string.Empty, frame.Position.Epoch);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-colons")]
    [InlineData("x:e1:payload")]
    [InlineData("-1:e1:")]
    [InlineData("5:e1:\u00ff\u00ff\u00ff\u00ff")]
    [InlineData("5:e1:")]
    public void Decode_Garbage_ReturnsFalseAndNeverThrows(string text) =>
        Assert.False(BusFrame.TryDecode(Encoding.Latin1.GetBytes(text), out _));
}
