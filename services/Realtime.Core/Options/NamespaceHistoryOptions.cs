using System.ComponentModel.DataAnnotations;

namespace Realtime.Core.Options;

/// <summary>History retention for one channel namespace; 0 messages = no history (and no offsets).</summary>
public sealed class NamespaceHistoryOptions
{
    [Range(0, 100_000)]
    public int MaxMessages { get; set; }

    [Range(0, 30 * 24 * 3600)]
    public int TtlSeconds { get; set; }
}
