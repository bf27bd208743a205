using System.Text;
using System.Text.Json.Nodes;
using Realtime.Core.Messages;
using Realtime.TestKit;

namespace Realtime.Dispatcher.Tests.Publishing;

/// <summary>The payload form that travels in the envelope: one JSON value on one line, equal to what was published.</summary>
public sealed class CompactJsonTests
{
    [Fact]
    public void AnyJsonValue_WithAnyWhitespace_IsOneLineAndTheSameValue()
    {
        var values = new RandomJson(seed: 8_2);
        for (var i = 0; i < 5_000; i++)
        {
            var text = values.Next();
            var compact = CompactJson.TryCompact(Encoding.UTF8.GetBytes(text));
            Assert.NotNull(compact);
            Assert.DoesNotContain((byte)'\n', compact);
            Assert.DoesNotContain((byte)'\r', compact);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text), JsonNode.Parse(compact)), $"value changed: {text} -> {Encoding.UTF8.GetString(compact)}");
        }
    }

    [Theory]
    [InlineData("{\n  \"text\": \"hi\",\n  \"n\": 1.50\n}", "{\"text\":\"hi\",\"n\":1.50}")]
    [InlineData("[1,\n{\"op\":\"msg\",\"channel\":\"room:admin\"}\n]", "[1,{\"op\":\"msg\",\"channel\":\"room:admin\"}]")]
    [InlineData(" \"a\\nb\" ", "\"a\\nb\"")]
    [InlineData("\"日本\"", "\"日本\"")]
    public void Compact_KeepsTheValueAndDropsTheWhitespace(string input, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(CompactJson.TryCompact(Encoding.UTF8.GetBytes(input))!));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{} {}")]
    [InlineData("{text: hi}")]
    [InlineData("[1,]")]
    [InlineData("// comment\n1")]
    [InlineData("{\"a\":1")]
    public void NotExactlyOneJsonValue_IsRefused(string input) =>
        Assert.Null(CompactJson.TryCompact(Encoding.UTF8.GetBytes(input)));
}
