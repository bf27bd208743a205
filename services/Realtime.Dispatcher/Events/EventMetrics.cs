using Prometheus;

namespace Realtime.Dispatcher.Events;

/// <summary>The dispatcher's lifecycle-event metrics (reaper, watchers, webhooks).</summary>
internal sealed class EventMetrics(IMetricFactory factory)
{
    public Counter EdgesReaped { get; } = factory.CreateCounter("realtime_dispatcher_events_edges_reaped_total", "Lost edges whose connections were reaped by this dispatcher's sweep.");

    public Counter EdgeLost { get; } = factory.CreateCounter("realtime_dispatcher_events_edge_lost_total", "disconnected{edge_lost} events this dispatcher's sweep appended.");

    public Gauge Watchers { get; } = factory.CreateGauge("realtime_dispatcher_events_watchers", "Open WatchEvents streams.");

    public Counter WebhooksDelivered { get; } = factory.CreateCounter("realtime_dispatcher_webhooks_delivered_total", "Events delivered to a webhook endpoint (2xx).");

    public Counter WebhooksFailed { get; } = factory.CreateCounter("realtime_dispatcher_webhooks_failed_total", "Webhook delivery attempts that failed (non-2xx, timeout, refused).");

    public Counter WebhooksDeadLettered { get; } = factory.CreateCounter("realtime_dispatcher_webhooks_dead_lettered_total", "Events moved to the dead-letter stream after the retry budget.");
}
