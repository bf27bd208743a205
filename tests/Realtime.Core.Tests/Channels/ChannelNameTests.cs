using Realtime.Core.Channels;

namespace Realtime.Core.Tests.Channels;

public sealed class ChannelNameTests
{
    [Theory]
    [InlineData("broadcast", ChannelKind.Broadcast, "")]
    [InlineData("user:42", ChannelKind.User, "42")]
    [InlineData("user:alice@example.com", ChannelKind.User, "alice@example.com")]
    [InlineData("room:lobby", ChannelKind.Room, "lobby")]
    [InlineData("room:team-a:general", ChannelKind.Room, "team-a:general")]
    public void TryParse_ValidNames_Succeed(string value, ChannelKind kind, string id)
    {
        Assert.True(ChannelName.TryParse(value, out var channel, out var error));
        Assert.Null(error);
        Assert.Equal(kind, channel!.Value.Kind);
        Assert.Equal(id, channel.Value.Id);
        Assert.Equal(value, channel.Value.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("lobby")]
    [InlineData("room:")]
    [InlineData("user:")]
    [InlineData("room:{lobby}")]
    [InlineData("room:lob by")]
    [InlineData("room:lobby\n")]
    [InlineData("room:ロビー")]
    [InlineData("ROOM:lobby")]
    [InlineData("broadcast:x")]
    public void TryParse_InvalidNames_FailWithReason(string? value)
    {
        Assert.False(ChannelName.TryParse(value, out var channel, out var error));
        Assert.Null(channel);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryParse_TooLongId_Fails()
    {
        Assert.True(ChannelName.TryParse("room:" + new string('a', ChannelName.MaxIdLength), out _, out _));
        Assert.False(ChannelName.TryParse("room:" + new string('a', ChannelName.MaxIdLength + 1), out _, out var error));
        Assert.Contains("longer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Factories_RejectInvalidIds()
    {
        Assert.Equal("user:u1", ChannelName.User("u1").Value);
        Assert.Throws<ArgumentException>(() => ChannelName.Room("a}b"));
        Assert.Throws<ArgumentException>(() => ChannelName.User(string.Empty));
    }

    [Theory]
    [InlineData("chat.message", true)]
    [InlineData("a:b_c-d", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("emoji😀", false)]
    public void EventName_Validation(string name, bool valid) => Assert.Equal(valid, EventName.IsValid(name));
}
