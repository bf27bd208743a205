using System.Net;
using Realtime.Redis;

namespace Realtime.Redis.Tests;

public sealed class RedisUrlTests
{
    [Fact]
    public void RedisUrl_WithPasswordAndDatabase()
    {
        var o = RedisUrl.Parse("redis://:s%40cret@cache.internal:6380/3");
        var endpoint = Assert.IsType<DnsEndPoint>(Assert.Single(o.EndPoints));
        Assert.Equal("cache.internal", endpoint.Host);
        Assert.Equal(6380, endpoint.Port);
        Assert.Equal("s@cret", o.Password);
        Assert.Equal(3, o.DefaultDatabase);
        Assert.False(o.Ssl);
        Assert.False(o.AbortOnConnectFail);
    }

    [Fact]
    public void RedissUrl_UsesTlsUserAndDefaultPort()
    {
        var o = RedisUrl.Parse("rediss://app:pw@redis.example.com");
        Assert.True(o.Ssl);
        Assert.Equal("app", o.User);
        Assert.Equal("pw", o.Password);
        Assert.Equal(6379, Assert.IsType<DnsEndPoint>(Assert.Single(o.EndPoints)).Port);
    }

    [Fact]
    public void ConfigurationString_IsPassedThrough()
    {
        var o = RedisUrl.Parse("localhost:6379,password=x,ssl=true");
        Assert.Equal("x", o.Password);
        Assert.True(o.Ssl);
    }

    [Theory]
    [InlineData("redis://")]
    [InlineData("redis://host:6379/notanumber")]
    public void BadUrl_Throws(string url) => Assert.ThrowsAny<Exception>(() => RedisUrl.Parse(url));

    [Fact]
    public void Channels_ShareOneHashTagPerChannel()
    {
        var keys = new RedisChannels("rt");
        Assert.Equal("rt:{room:lobby}", keys.PubSubName("room:lobby"));
        Assert.Equal("rt:{room:lobby}:meta", (string?)keys.Meta("room:lobby"));
        Assert.Equal("rt:{room:lobby}:hist", (string?)keys.History("room:lobby"));
    }
}

public sealed class RedisSentinelUrlTests
{
    [Fact]
    public void SentinelUrl_ListsSentinels_AndNamesTheService()
    {
        var o = RedisUrl.Parse("redis+sentinel://:pw@s1.internal:26379,s2.internal:26380/mymaster/2");
        Assert.Equal("mymaster", o.ServiceName);
        Assert.Equal([("s1.internal", 26379), ("s2.internal", 26380)], o.EndPoints.Cast<DnsEndPoint>().Select(e => (e.Host, e.Port)));
        Assert.Equal("pw", o.Password);
        Assert.Equal(2, o.DefaultDatabase);
        Assert.False(o.AbortOnConnectFail);
    }

    [Fact]
    public void SentinelUrl_DefaultPortIs26379()
    {
        var o = RedisUrl.Parse("redis+sentinel://sentinel/cache");
        Assert.Equal(26379, Assert.IsType<DnsEndPoint>(Assert.Single(o.EndPoints)).Port);
    }

    [Theory]
    [InlineData("redis+sentinel://host:26379")]
    [InlineData("redis+sentinel:///svc")]
    public void SentinelUrl_WithoutServiceOrHosts_Throws(string url) => Assert.ThrowsAny<FormatException>(() => RedisUrl.Parse(url));

    [Fact]
    public void List_SplitsOnCommasSpacesAndSemicolons_KeepingSentinelHostLists()
    {
        var urls = RedisUrl.SplitList("redis://a:6379,redis://b:6379 redis+sentinel://s1:26379,s2:26379/one;redis://c");
        Assert.Equal(["redis://a:6379", "redis://b:6379", "redis+sentinel://s1:26379,s2:26379/one", "redis://c"], urls);
    }
}
