using Microsoft.Extensions.Options;
using Realtime.TestKit;

namespace Realtime.Dispatcher.Tests.Hosting;

/// <summary>Issue 8.9: no API key means no start, unless insecure mode is asked for by name, which then warns.</summary>
public sealed class InsecureModeTests
{
    [Fact]
    public async Task NoApiKeys_NotInsecure_RefusesToStartNamingTheSettings()
    {
        var redis = await RedisServer.GetAsync();
        var settings = new Dictionary<string, string?> { ["Realtime:Redis:Url"] = redis.Url, ["Realtime:Dispatcher:Insecure"] = "false" };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceHost.StartDispatcherAsync("dispatcher-open", settings));
        Assert.Contains("Realtime:Dispatcher:ApiKeys", error.Message, StringComparison.Ordinal);
        Assert.Contains("Realtime:Dispatcher:Insecure=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoApiKeys_Insecure_StartsAndWarns()
    {
        var redis = await RedisServer.GetAsync();
        var settings = new Dictionary<string, string?> { ["Realtime:Redis:Url"] = redis.Url, ["Realtime:Dispatcher:Insecure"] = "true" };
        await using var host = await ServiceHost.StartDispatcherAsync("dispatcher-insecure", settings);
        Assert.Contains(host.WarningLogs, w => w.Contains("insecure: no API key, anyone can publish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiKeys_WithoutInsecure_StartsWithoutWarning()
    {
        var redis = await RedisServer.GetAsync();
        var settings = new Dictionary<string, string?> { ["Realtime:Redis:Url"] = redis.Url, ["Realtime:Dispatcher:Insecure"] = "false", ["Realtime:Dispatcher:ApiKeys"] = "k" };
        await using var host = await ServiceHost.StartDispatcherAsync("dispatcher-keys", settings);
        Assert.DoesNotContain(host.WarningLogs, w => w.Contains("insecure", StringComparison.Ordinal));
    }
}
