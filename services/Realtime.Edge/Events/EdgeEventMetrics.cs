using Prometheus;

namespace Realtime.Edge.Events;

/// <summary>The edge's lifecycle-event metrics.</summary>
internal sealed class EdgeEventMetrics(IMetricFactory factory)
{
    public Counter Appended { get; } = factory.CreateCounter("realtime_edge_events_appended_total", "Lifecycle event actions written to the Redis event stream.");

    public Counter Dropped { get; } = factory.CreateCounter("realtime_edge_events_dropped_total", "Lifecycle event actions dropped: the sink queue was full, or Redis refused them.", ["reason"]);
}
