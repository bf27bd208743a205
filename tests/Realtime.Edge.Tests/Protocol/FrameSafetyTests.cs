using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Realtime.Core.History;
using Realtime.Core.Messages;
using Realtime.Edge.Connections;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Tests.Protocol;

public sealed class FrameSafetyTests
{
    public static TheoryData<string> DataWithLineBreaks => new()
    {
        "[1,\n{\"op\":\"msg\",\"channel\":\"room:admin\",\"event\":\"x\",\"data\":1,\"id\":\"forged\"}\n]",
        "{\n  \"text\": \"pretty\",\n  \"n\": [1,\r\n 2]\n}",
        "\n\"just a string\"\n",
        "{\"a\":\"line\\nbreak escaped\"}\n",
    };

    [Theory]
    [MemberData(nameof(DataWithLineBreaks))]
    public void MessageFrame_NeverContainsALineBreak_AndCarriesTheSameValue(string data)
    {
        var envelope = new Envelope { Channel = "room:lobby", Event = "e", Id = "m1", Data = ByteString.CopyFromUtf8(data) };
        var frame = Frames.Message(envelope, new StreamPosition("ep", 3));

        Assert.DoesNotContain((byte)'\n', frame);
        Assert.DoesNotContain((byte)'\r', frame);
        using var parsed = JsonDocument.Parse(frame);
        Assert.Equal("room:lobby", parsed.RootElement.GetProperty("channel").GetString());
        using var original = JsonDocument.Parse(data);
        Assert.True(JsonElement.DeepEquals(original.RootElement, parsed.RootElement.GetProperty("data")));
    }

    [Theory]
    [InlineData(100, '字')] // 300 bytes
    [InlineData(200, 'a')]
    [InlineData(60, 'é')] // 120 bytes: fits
    public void CloseReason_IsCutToWhatACloseFrameCarries_AtACharacterBoundary(int count, char c)
    {
        var reason = new string(c, count);
        var cut = Connection.TruncateReason(reason);
        Assert.InRange(Encoding.UTF8.GetByteCount(cut), 1, Connection.MaxCloseReasonBytes);
        Assert.StartsWith(cut, reason, StringComparison.Ordinal);
        Assert.Equal(cut.Length == reason.Length, Encoding.UTF8.GetByteCount(reason) <= 123);
    }

    [Fact]
    public void CloseReason_NeverSplitsASurrogatePair()
    {
        var reason = string.Concat(Enumerable.Repeat("😀", 40)); // 160 bytes
        var cut = Connection.TruncateReason(reason);
        Assert.Equal(30, cut.Length / 2); // 30 emoji = 120 bytes
        Assert.False(char.IsHighSurrogate(cut[^1]));
    }
}
