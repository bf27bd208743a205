using Realtime.TestKit;
using Realtime.TestKit.Contracts;

namespace Realtime.Redis.Tests.Instances;

public sealed class RedisInstanceRegistryTests : InstanceRegistryContract
{
    private RedisShards _shards = null!;

    public override async Task InitializeAsync()
    {
        var redis = await RedisServer.GetAsync();
        _shards = RedisTestConnections.Shards(RedisTestConnections.NewPrefix("i"), redis.Url);
        Registry = new RedisInstanceRegistry(_shards.First, Clock);
    }

    public override async Task DisposeAsync() => await _shards.DisposeAsync();
}
