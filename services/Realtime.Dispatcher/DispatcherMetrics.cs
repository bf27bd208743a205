using Prometheus;

namespace Realtime.Dispatcher;

/// <summary>The dispatcher's Prometheus metrics (names <c>realtime_dispatcher_*</c>).</summary>
internal sealed class DispatcherMetrics(IMetricFactory factory)
{
    public Counter Publishes { get; } = factory.CreateCounter("realtime_dispatcher_publishes_total", "Publish requests by target kind and outcome.", ["target", "outcome"]);

    public Histogram PublishDuration { get; } = factory.CreateHistogram("realtime_dispatcher_publish_duration_seconds", "Time to publish one message to the broker.", new HistogramConfiguration
    {
        Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16),
    });

    public Counter HistoryReads { get; } = factory.CreateCounter("realtime_dispatcher_history_reads_total", "GetHistory requests by outcome.", ["outcome"]);
}
