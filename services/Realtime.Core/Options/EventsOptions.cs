using System.ComponentModel.DataAnnotations;

namespace Realtime.Core.Options;

/// <summary>Lifecycle events (section <c>Realtime:Events</c>); they need Redis (clustering on).</summary>
public sealed class EventsOptions
{
    public const string Section = "Realtime:Events";

    /// <summary>Edges append lifecycle events to the Redis event stream.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The event stream keeps about this many events (XADD MAXLEN ~): the retention, and how far back a cursor can resume.</summary>
    [Range(100, 100_000_000)]
    public int MaxLength { get; set; } = 1_000_000;

    /// <summary>Events an edge may hold while Redis is slow; past it new events are dropped and counted, the socket path never waits.</summary>
    [Range(16, 10_000_000)]
    public int SinkCapacity { get; set; } = 100_000;

    /// <summary>How often the dispatcher looks for edges that vanished (registry entry gone and alive mark expired).</summary>
    [Range(1, 3600)]
    public int SweepSeconds { get; set; } = 5;

    /// <summary>An edge that has not refreshed its alive mark for this long, and is not in the registry, is lost: its connections get <c>edge_lost</c>.</summary>
    [Range(2, 3600)]
    public int EdgeLostAfterSeconds { get; set; } = 30;
}
