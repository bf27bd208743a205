using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace Realtime.Core.Options;

/// <summary>
/// Redis settings (section <c>Realtime:Redis</c>); <c>REDIS_URL</c> is an alias of <see cref="Url"/>
/// and <c>REDIS_SHARDS</c> (a list of URLs) of <see cref="Shards"/>.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Realtime:Redis";

    /// <summary>
    /// A <c>redis://</c> / <c>rediss://</c> URL, a Sentinel URL
    /// (<c>redis+sentinel://[:password@]host1:26379,host2:26379/serviceName</c>) or a
    /// StackExchange.Redis configuration string. Ignored when <see cref="Shards"/> is set.
    /// </summary>
    public string Url { get; set; } = "redis://127.0.0.1:6379";

    /// <summary>
    /// Sharded mode: independent Redis instances (or Sentinel groups), one URL each; a channel lives
    /// on the shard a jump consistent hash of its name picks. Empty = one Redis at <see cref="Url"/>.
    /// Every process must list the same shards in the same order.
    /// </summary>
    [SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Bound from configuration (Shards:0, Shards:1, …).")]
    public List<string> Shards { get; set; } = [];

    /// <summary>Prefix of every key and pub/sub channel.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,32}$", ErrorMessage = "Realtime:Redis:Prefix may contain only letters, digits and _ . - (1..32 chars).")]
    public string Prefix { get; set; } = "rt";

    /// <summary>How long a publish waits for Redis before failing with UNAVAILABLE.</summary>
    [Range(100, 60000)]
    public int OperationTimeoutMs { get; set; } = 5000;

    /// <summary>The URL of each shard: <see cref="Shards"/> when set, else <see cref="Url"/> alone.</summary>
    public IReadOnlyList<string> ShardUrls()
    {
        var shards = Shards.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList();
        return shards.Count > 0 ? shards : [Url];
    }
}
