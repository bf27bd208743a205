using Realtime.TestKit;
using Realtime.TestKit.Contracts;

namespace Realtime.Redis.Tests.History;

public sealed class RedisHistoryStoreTests : HistoryStoreContract
{
    private RedisShards _shards = null!;

    public override async Task InitializeAsync()
    {
        var redis = await RedisServer.GetAsync();
        _shards = RedisTestConnections.Shards(RedisTestConnections.NewPrefix("h"), redis.Url);
        Bus = new RedisMessageBus(_shards);
        Store = new RedisHistoryStore(_shards);
    }

    public override async Task DisposeAsync() => await _shards.DisposeAsync();
}
