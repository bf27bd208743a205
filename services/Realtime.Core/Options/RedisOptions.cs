using System.ComponentModel.DataAnnotations;

namespace Realtime.Core.Options;

/// <summary>Redis settings (section <c>Realtime:Redis</c>); <c>REDIS_URL</c> is an alias of <see cref="Url"/>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Realtime:Redis";

    /// <summary>A <c>redis://</c> / <c>rediss://</c> URL or a StackExchange.Redis configuration string.</summary>
    public string Url { get; set; } = "redis://127.0.0.1:6379";

    /// <summary>Prefix of every key and pub/sub channel.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,32}$", ErrorMessage = "Realtime:Redis:Prefix may contain only letters, digits and _ . - (1..32 chars).")]
    public string Prefix { get; set; } = "rt";

    /// <summary>How long a publish waits for Redis before failing with UNAVAILABLE.</summary>
    [Range(100, 60000)]
    public int OperationTimeoutMs { get; set; } = 5000;
}
