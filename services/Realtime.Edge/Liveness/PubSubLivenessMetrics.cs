using Prometheus;

namespace Realtime.Edge.Liveness;

/// <summary>Counters of the pub/sub liveness check, per Redis shard (an index, never a channel).</summary>
internal sealed class PubSubLivenessMetrics(IMetricFactory factory)
{
    public Counter Probes { get; } = factory.CreateCounter("realtime_edge_pubsub_probes_total", "Pub/sub liveness probes sent, per Redis shard.", ["shard"]);

    public Counter Misses { get; } = factory.CreateCounter("realtime_edge_pubsub_probe_misses_total", "Pub/sub liveness probes that did not come back in time, per Redis shard.", ["shard"]);

    public Counter Reestablished { get; } = factory.CreateCounter("realtime_edge_pubsub_reestablished_total", "Redis connections replaced because their subscription went silent, per shard.", ["shard"]);
}
