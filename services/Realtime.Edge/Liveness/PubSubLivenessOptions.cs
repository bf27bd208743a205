using System.ComponentModel.DataAnnotations;

namespace Realtime.Edge.Liveness;

/// <summary>The edge's pub/sub liveness check (section <c>Realtime:Edge:PubSubLiveness</c>).</summary>
internal sealed class PubSubLivenessOptions
{
    public const string Section = "Realtime:Edge:PubSubLiveness";

    /// <summary>How often the edge publishes a probe to itself on each Redis it subscribes to (0 = off).</summary>
    [Range(0, 3_600_000)]
    public int IntervalMs { get; set; } = 5000;

    /// <summary>How long a probe may take to come back before it counts as missed.</summary>
    [Range(50, 600_000)]
    public int TimeoutMs { get; set; } = 2000;

    /// <summary>Consecutive misses on one Redis before the edge reports not ready (each miss already re-establishes the subscription).</summary>
    [Range(1, 1000)]
    public int MissesBeforeUnready { get; set; } = 3;
}
