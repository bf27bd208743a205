using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// Every key of the lifecycle events, built in one place. All carry the hash tag <c>{events}</c>
/// (one Redis Cluster slot), because the event scripts touch several of them atomically:
/// <c>rt:{events}</c> (the stream), <c>:dead</c> (webhook dead letters), <c>:seq</c> (sequence
/// per user / channel), <c>:edges</c>, <c>:edge:&lt;server&gt;</c> (connection → user),
/// <c>:alive:&lt;server&gt;</c>, <c>:conn:&lt;id&gt;</c> (its channels), <c>:user:&lt;id&gt;</c>
/// (connection → server), <c>:clients</c> (channel → connections), <c>:users:&lt;channel&gt;</c> (user → connections).
/// </summary>
public sealed class RedisEventKeys(string prefix)
{
    public RedisKey Stream { get; } = $"{prefix}:{{events}}";

    public RedisKey DeadLetters => $"{prefix}:{{events}}:dead";

    /// <summary>Which dispatcher delivers a webhook consumer group now (one at a time, so each user's events go out in order).</summary>
    public RedisKey DeliveryLease(string group) => $"{prefix}:{{events}}:lease:{group}";

    public RedisKey Edges => $"{prefix}:{{events}}:edges";

    public RedisKey Edge(string server) => $"{prefix}:{{events}}:edge:{server}";

    public RedisKey Alive(string server) => $"{prefix}:{{events}}:alive:{server}";

    public RedisKey Connection(string connection) => $"{prefix}:{{events}}:conn:{connection}";

    public RedisKey User(string user) => $"{prefix}:{{events}}:user:{user}";

    public RedisKey Clients => $"{prefix}:{{events}}:clients";

    public RedisKey Users(string channel) => $"{prefix}:{{events}}:users:{channel}";
}
