using Microsoft.Extensions.Configuration;
using Realtime.Core.Options;
using Realtime.Hosting;

namespace Realtime.Redis.Tests.Hosting;

/// <summary>REDIS_SHARDS (a list) and Realtime__Redis__Shards__N (one per entry) both reach <see cref="RedisOptions.Shards"/>.</summary>
public sealed class RedisShardsSettingTests
{
    [Fact]
    public void RedisShardsList_BindsOneEntryPerUrl_KeepingASentinelUrlWhole()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["REDIS_SHARDS"] = "redis://r0:6379,redis+sentinel://s1:26379,s2:26379/g1 redis://r2:6379" });
        ConfigurationAliases.Apply(configuration);
        var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>()!;
        Assert.Equal(["redis://r0:6379", "redis+sentinel://s1:26379,s2:26379/g1", "redis://r2:6379"], options.ShardUrls());
    }

    [Fact]
    public void PerEntrySettings_WinOverTheList()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REDIS_SHARDS"] = "redis://a:1,redis://b:2",
            ["Realtime:Redis:Shards:0"] = "redis://x:1",
        });
        ConfigurationAliases.Apply(configuration);
        Assert.Equal(["redis://x:1"], configuration.GetSection(RedisOptions.Section).Get<RedisOptions>()!.ShardUrls());
    }

    [Fact]
    public void WithoutShards_TheUrlIsTheOneShard()
    {
        Assert.Equal(["redis://only:6379"], new RedisOptions { Url = "redis://only:6379" }.ShardUrls());
    }
}
