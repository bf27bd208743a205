namespace Realtime.Operator.Resources;

/// <summary>Where the set's Redis is.</summary>
internal sealed class RedisSpec
{
    /// <summary>
    /// Secret key holding where Redis is: one URL (<c>redis://</c>, <c>rediss://</c>) for
    /// <c>Standalone</c> and <c>Cluster</c>, a <c>redis+sentinel://host:26379,…/service</c> URL for
    /// <c>Sentinel</c>, and the list of shard URLs (space- or comma-separated, each may be a Sentinel
    /// URL) for <c>Sharded</c>.
    /// </summary>
    public SecretKeyRef UrlSecret { get; set; } = new() { Key = "redis-url" };

    /// <summary>
    /// <c>Standalone</c>, <c>Sentinel</c>, <c>Cluster</c> or <c>Sharded</c>: the services tell the first
    /// three apart from the URL; <c>Sharded</c> hands the secret's value to them as <c>REDIS_SHARDS</c>
    /// (channels spread over independent instances by jump hash), and <c>Sentinel</c>/<c>Sharded</c>
    /// also open <see cref="SentinelPort"/> in the network policy.
    /// </summary>
    public string Mode { get; set; } = "Standalone";

    /// <summary>Port of the Sentinels (egress allowed in Sentinel and Sharded modes).</summary>
    public int SentinelPort { get; set; } = 26379;

    /// <summary>Key prefix; default the cluster's name, so two sets sharing one Redis never see each other's keys.</summary>
    public string? Prefix { get; set; }

    public int Port { get; set; } = 6379;
}
