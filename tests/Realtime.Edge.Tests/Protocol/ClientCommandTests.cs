using System.Text;
using Realtime.Edge.Protocol;

namespace Realtime.Edge.Tests.Protocol;

public sealed class ClientCommandTests
{
    [Fact]
    public void Subscribe_WithSince_IsParsed()
    {
        var c = ClientCommand.TryParse("""{"op":"subscribe","id":7,"channel":"room:a","since":{"epoch":"e1","offset":41},"extra":[1,2]}"""u8, out var error);
        Assert.Null(error);
        Assert.Equal("subscribe", c!.Op);
        Assert.Equal(7, c.Id);
        Assert.Equal("room:a", c.Channel);
        Assert.Equal("e1", c.SinceEpoch);
        Assert.Equal(41UL, c.SinceOffset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"op\":1}")]
    [InlineData("{\"op\":\"ping\",\"id\":\"x\"}")]
    [InlineData("{\"op\":\"subscribe\",\"since\":{\"offset\":-1}}")]
    [InlineData("{\"op\":\"subscribe\",\"since\":5}")]
    [InlineData("{\"op\":\"ping\"")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}},\"op\":\"ping\"}")]
    public void Garbage_IsRejectedWithAReason(string json)
    {
        Assert.Null(ClientCommand.TryParse(Encoding.UTF8.GetBytes(json), out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
