using System.Text;
using Realtime.Client.Protocol;

namespace Realtime.Client.Tests.Protocol;

public class ServerFrameTests
{
    [Fact]
    public void Parse_ErrorReply_ReadsCodeAndMessage()
    {
        var frame = ServerFrame.Parse(Encoding.UTF8.GetBytes("""{"op":"reply","id":7,"ok":false,"error":{"code":"forbidden","message":"no"}}"""))!;
        Assert.Equal(("reply", 7L, false, "forbidden", "no"), (frame.Op, frame.Id, frame.Ok, frame.ErrorCode, frame.ErrorMessage));
    }

    [Fact]
    public void Parse_MessageData_IsKeptVerbatimAndDetached()
    {
        var frame = ServerFrame.Parse(Encoding.UTF8.GetBytes("""{"op":"msg","channel":"room:a","event":"chat","data":{"text":"hi","n":[1,2]},"id":"x","offset":3}"""))!;
        Assert.Equal("""{"text":"hi","n":[1,2]}""", frame.Message!.Data.GetRawText());
        Assert.Equal(3UL, frame.Message.Offset);
        Assert.Equal("""{"channel":"room:a","event":"chat","data":{"text":"hi","n":[1,2]},"id":"x","offset":3}""", frame.Message.ToJson());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"no":"op"}""")]
    public void Parse_Garbage_ReturnsNull(string line) => Assert.Null(ServerFrame.Parse(Encoding.UTF8.GetBytes(line)));
}
