using System.Text;
using Realtime.Core.History;
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
        Assert.Equal(new StreamPosition("e1", 41), c.Since);
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

    [Theory]
    [InlineData("[]", "a command must be a JSON object")]
    [InlineData("{\"op\":\"ping\",\"id\":\"x\"}", "id must be an integer")]
    [InlineData("{\"op\":\"ping\",\"id\":1.5}", "id must be an integer")]
    [InlineData("{\"op\":\"subscribe\",\"since\":5}", "since must be an object {epoch, offset}")]
    [InlineData("{\"op\":\"subscribe\",\"since\":{\"offset\":-1}}", "since.offset must be a non-negative integer")]
    [InlineData("{\"op\":1}", "op must be a string")]
    [InlineData("{\"id\":1}", "op is required")]
    [InlineData("{\"op\":\"ping\"", "malformed JSON")]
    public void Garbage_ReasonNamesTheRuleItBroke(string json, string reason)
    {
        Assert.Null(ClientCommand.TryParse(Encoding.UTF8.GetBytes(json), out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void NullSince_IsAPlainSubscribe_AndEmptySinceStartsFromTheBeginning()
    {
        Assert.Null(ClientCommand.TryParse("""{"op":"subscribe","channel":"room:a","since":null}"""u8, out _)!.Since);
        Assert.Equal(StreamPosition.None, ClientCommand.TryParse("""{"op":"subscribe","channel":"room:a","since":{}}"""u8, out _)!.Since);
    }
}
