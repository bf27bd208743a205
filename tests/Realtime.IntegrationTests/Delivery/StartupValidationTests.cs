using Microsoft.Extensions.Options;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Delivery;

/// <summary>A bad setting stops the process at start with a message that names the setting.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Realtime:Auth:HmacSecret", "too-short", "Realtime:Auth:HmacSecret")]
    [InlineData("Realtime:Edge:SendQueueBytes", "0", "SendQueueBytes")]
    [InlineData("Realtime:Redis:Url", "redis://", "Realtime:Redis:Url")]
    [InlineData("Realtime:History:Namespaces:room:TtlSeconds", "0", "Realtime:History:Namespaces:room:TtlSeconds")]
    [InlineData("Realtime:ServerId", "bad id with spaces", "SERVER_ID")]
    public async Task Edge_WithBadSetting_FailsToStartNamingIt(string key, string value, string named)
    {
        var redis = await RedisServer.GetAsync();
        var settings = new Dictionary<string, string?> { ["Realtime:Redis:Url"] = redis.Url, [key] = value };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceHost.StartEdgeAsync(key == "Realtime:ServerId" ? value : "edge-bad", settings));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatcher_WithBadSetting_FailsToStartNamingIt()
    {
        var redis = await RedisServer.GetAsync();
        var settings = new Dictionary<string, string?> { ["Realtime:Redis:Url"] = redis.Url, ["Realtime:Dispatcher:MaxBatchSize"] = "0" };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceHost.StartDispatcherAsync("dispatcher-bad", settings));
        Assert.Contains("MaxBatchSize", error.Message, StringComparison.Ordinal);
    }
}
