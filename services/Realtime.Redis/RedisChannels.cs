using Realtime.Core.Channels;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// Every Redis key and pub/sub channel name, built in one place. Keys of one channel share
/// the hash tag <c>{channel}</c> so they live in one Redis Cluster slot:
/// <c>rt:{room:lobby}</c> (pub/sub), <c>rt:{room:lobby}:meta</c>, <c>rt:{room:lobby}:hist</c>,
/// <c>rt:{room:lobby}:idem:&lt;key&gt;</c>, <c>rt:{room:lobby}:presence</c> (+ <c>:exp</c>);
/// the instance registry is <c>rt:instances</c>.
/// </summary>
public sealed class RedisChannels(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>The pub/sub channel name; <see cref="RedisConnection.PubSub"/> picks classic or sharded.</summary>
    public string PubSubName(string channel) => $"{Prefix}:{{{channel}}}";

    public RedisKey Meta(string channel) => $"{Prefix}:{{{channel}}}:meta";

    public RedisKey History(string channel) => $"{Prefix}:{{{channel}}}:hist";

    public RedisKey Presence(string channel) => $"{Prefix}:{{{channel}}}:presence";

    public RedisKey PresenceExpiry(string channel) => $"{Prefix}:{{{channel}}}:presence:exp";

    public RedisKey Idempotency(ChannelName channel, string key) => $"{Prefix}:{{{channel.Value}}}:idem:{key}";

    /// <summary>The liveness probe channel of one process (pub/sub only, no keys): <c>rt:probe:{server}</c>.</summary>
    public string ProbeName(string serverId) => $"{Prefix}:probe:{{{serverId}}}";

    public RedisKey Instances => $"{Prefix}:instances";

    public RedisKey InstanceConnections => $"{Prefix}:instances:connections";
}
