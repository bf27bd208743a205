using Realtime.Core.Channels;

namespace Realtime.Core.Tests.Channels;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("lobby", "lobby", true)]
    [InlineData("lobby", "lobby2", false)]
    [InlineData("team-*", "team-a", true)]
    [InlineData("team-*", "team-", true)]
    [InlineData("team-*", "tea", false)]
    [InlineData("*", "anything:at:all", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*-admin", "ops-admin", true)]
    [InlineData("*-admin", "ops-admins", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("Lobby", "lobby", false)]
    public void IsMatch(string pattern, string text, bool expected) => Assert.Equal(expected, GlobPattern.IsMatch(pattern, text));

    [Fact]
    public void IsMatch_HostilePattern_StaysFast()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 50)) + "b";
        var text = new string('a', 100);
        Assert.False(GlobPattern.IsMatch(pattern, text));
    }
}
