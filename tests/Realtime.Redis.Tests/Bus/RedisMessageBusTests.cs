using Realtime.TestKit;
using Realtime.TestKit.Contracts;

namespace Realtime.Redis.Tests.Bus;

public sealed class RedisMessageBusTests : MessageBusContract
{
    private RedisShards _shards = null!;

    public override async Task InitializeAsync()
    {
        var redis = await RedisServer.GetAsync();
        _shards = RedisTestConnections.Shards(RedisTestConnections.NewPrefix("c"), redis.Url);
        Bus = new RedisMessageBus(_shards);
        Store = new RedisHistoryStore(_shards);
    }

    public override async Task DisposeAsync() => await _shards.DisposeAsync();

    [Fact]
    public async Task PublishScript_RunsBySha_AndSurvivesAScriptFlush()
    {
        var redis = await RedisServer.GetAsync();
        var admin = RedisUrl.Parse(redis.Url);
        admin.AllowAdmin = true;
        await using var multiplexer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(admin);
        var server = multiplexer.GetServers()[0];
        await Bus.PublishAsync(Message("room:sha", "1"));
        var before = EvalShaCalls(server);
        await Bus.PublishAsync(Message("room:sha", "2"));
        Assert.True(EvalShaCalls(server) > before, "the second publish should run the cached script by SHA");

        await server.ScriptFlushAsync();
        var after = await Bus.PublishAsync(Message("room:sha", "3"));
        Assert.Equal(3UL, after.Position.Offset);
    }

    [Fact]
    public async Task Reconnect_MovesSubscriptions_AndRaisesRestored()
    {
        var received = 0;
        var restored = 0;
        Bus.SubscriptionsRestored += (_, _) => Interlocked.Increment(ref restored);
        await using var sub = await Bus.SubscribeAsync(Core.Channels.ChannelName.Parse("room:move"), _ => Interlocked.Increment(ref received));

        await _shards.First.ReconnectAsync(CancellationToken.None);
        Assert.True(restored >= 1);
        await Bus.PublishAsync(Message("room:move", "1"));
        await Eventually.TrueAsync(() => received == 1, because: "the subscription lives on the new connection");
    }

    private static long EvalShaCalls(StackExchange.Redis.IServer server)
    {
        var stats = server.Info("commandstats").SelectMany(g => g).FirstOrDefault(kv => kv.Key == "cmdstat_evalsha").Value;
        if (stats is null)
        {
            return 0;
        }

        var calls = stats.Split(',')[0].Split('=')[1];
        return long.Parse(calls, System.Globalization.CultureInfo.InvariantCulture);
    }
}
