using Prometheus;

namespace Realtime.Edge;

/// <summary>The edge's Prometheus metrics (names <c>realtime_edge_*</c>; never a user or channel label).</summary>
internal sealed class EdgeMetrics(IMetricFactory factory)
{
    public Gauge Connections { get; } = factory.CreateGauge("realtime_edge_connections", "Open WebSocket connections on this edge.");

    public Counter ConnectionsAccepted { get; } = factory.CreateCounter("realtime_edge_connections_accepted_total", "WebSocket connections accepted.");

    public Counter ConnectionsRejected { get; } = factory.CreateCounter("realtime_edge_connections_rejected_total", "Connections refused, by reason.", ["reason"]);

    public Gauge Subscriptions { get; } = factory.CreateGauge("realtime_edge_subscriptions", "Channel memberships of local connections.");

    public Gauge BusSubscriptions { get; } = factory.CreateGauge("realtime_edge_bus_subscriptions", "Broker channels this edge is subscribed to.");

    public Counter BrokerMessages { get; } = factory.CreateCounter("realtime_edge_broker_messages_received_total", "Messages received from the broker.");

    public Counter MalformedBusMessages { get; } = factory.CreateCounter("realtime_edge_broker_messages_malformed_total", "Broker messages that could not be decoded.");

    public Counter Deliveries { get; } = factory.CreateCounter("realtime_edge_deliveries_total", "Messages handed to local connections (one per connection).");

    public Counter FramesSent { get; } = factory.CreateCounter("realtime_edge_frames_sent_total", "WebSocket frames sent (one frame may carry several messages).");

    public Counter MessagesSent { get; } = factory.CreateCounter("realtime_edge_messages_sent_total", "JSON objects sent to clients, inside frames.");

    public Counter SendQueueDrops { get; } = factory.CreateCounter("realtime_edge_send_queue_drops_total", "Connections closed because their send queue was full (slow consumers).");

    public Gauge SendQueueBytes { get; } = factory.CreateGauge("realtime_edge_send_queue_bytes", "Bytes queued for clients and not yet handed to their sockets, all connections (sampled every second).");

    public Counter CloseFramesUndelivered { get; } = factory.CreateCounter("realtime_edge_close_frames_undelivered_total", "Closes whose close frame could not be delivered within the grace period (the peer did not read); the client saw 1006.");

    public Gauge DeliveryQueueBytes { get; } = factory.CreateGauge("realtime_edge_delivery_queue_bytes", "Broker message bytes waiting in delivery worker queues (sampled every second).");

    public Counter RateLimited { get; } = factory.CreateCounter("realtime_edge_rate_limited_total", "Client commands refused or connections closed by a rate limit, by limit.", ["limit"]);

    public Counter DeliveryDrops { get; } = factory.CreateCounter("realtime_edge_delivery_queue_drops_total", "Broker messages dropped because a delivery worker queue was full.");

    public Counter Recoveries { get; } = factory.CreateCounter("realtime_edge_recoveries_total", "Subscribe requests with a position, by result.", ["result"]);

    public Counter Resyncs { get; } = factory.CreateCounter("realtime_edge_resyncs_total", "Resyncs from history after the broker subscription connection was restored.");

    public Counter ResyncFailures { get; } = factory.CreateCounter("realtime_edge_resync_failures_total", "Channels whose resync could not read history; their members were closed with 1012 to reconnect and recover.");

    public Counter Disconnects { get; } = factory.CreateCounter("realtime_edge_disconnects_total", "Connections closed on request of the backend (Disconnect).");

    public Counter CommandErrors { get; } = factory.CreateCounter("realtime_edge_command_errors_total", "Client commands refused, by code.", ["code"]);
}
