using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Events;
using Realtime.Core.History;
using Realtime.Core.Instances;
using Realtime.Core.Options;
using Realtime.Core.Presence;

namespace Realtime.Redis;

/// <summary>Registration of the Redis backend (as <c>AddStackExchangeRedis()</c> lives in SignalR's Redis package).</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// The Redis bus, history, presence and instance registry over <see cref="RedisShards"/> (one
    /// Redis, a Sentinel group, a Cluster, or N independent shards), with <see cref="IBrokerShards"/>
    /// for readiness, metrics and the pub/sub liveness check. <see cref="RedisOptions"/> are bound by
    /// the host; this adds the check that every URL parses.
    /// </summary>
    public static IServiceCollection AddRealtimeRedis(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RedisOptions>()
            .Validate(o => TryParseAll(o), "Realtime:Redis:Url (REDIS_URL) or Realtime:Redis:Shards (REDIS_SHARDS) holds a value that is not a valid redis://, rediss://, redis+sentinel:// URL or StackExchange.Redis configuration string.");
        services.AddSingleton<RedisShards>();
        services.AddSingleton<IBrokerShards>(sp => sp.GetRequiredService<RedisShards>());
        services.AddSingleton(sp => sp.GetRequiredService<RedisShards>().First);
        services.AddSingleton<IMessageBus, RedisMessageBus>();
        services.AddSingleton<IHistoryStore, RedisHistoryStore>();
        services.AddSingleton<RedisInstanceRegistry>();
        services.AddSingleton<IEventLog, RedisEventLog>(); // lifecycle events: on the first shard
        services.AddSingleton<IInstanceRegistry, ReapingInstanceRegistry>(); // removing a dead edge emits its edge_lost events
        services.AddSingleton<IPresenceStore, RedisPresenceStore>();
        return services;
    }

    private static bool TryParseAll(RedisOptions options)
    {
        try
        {
            foreach (var url in options.ShardUrls())
            {
                RedisUrl.Parse(url);
            }

            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }
    }
}
