namespace Realtime.Operator.Resources;

/// <summary>Where the set's Redis is.</summary>
internal sealed class RedisSpec
{
    /// <summary>Secret key holding the Redis URL (<c>redis://</c>, <c>rediss://</c> or <c>redis+sentinel://</c>).</summary>
    public SecretKeyRef UrlSecret { get; set; } = new() { Key = "redis-url" };

    /// <summary><c>Standalone</c>, <c>Sentinel</c> or <c>Cluster</c> (informational for now: the URL decides).</summary>
    public string Mode { get; set; } = "Standalone";

    /// <summary>Key prefix; default the cluster's name, so two sets sharing one Redis never see each other's keys.</summary>
    public string? Prefix { get; set; }

    public int Port { get; set; } = 6379;
}
