using System.ComponentModel.DataAnnotations;


namespace Realtime.Edge.Hosting;

/// <summary>Edge settings (section <c>Realtime:Edge</c>).</summary>
internal sealed class EdgeOptions
{
    public const string Section = "Realtime:Edge";

    /// <summary>Port the edge listens on when no <c>urls</c> / <c>ASPNETCORE_URLS</c> is configured.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>
    /// When set, <c>/metrics</c> is served only on this port (also bound at <see cref="BindAddress"/>)
    /// and answers 404 on <see cref="Port"/>, so a public ingress to the WebSocket port never exposes
    /// it. 0 (default): <c>/metrics</c> on <see cref="Port"/>.
    /// </summary>
    [Range(0, 65535)]
    public int MetricsPort { get; set; }

    /// <summary>Address the edge binds when no <c>urls</c> is configured (<c>127.0.0.1</c> for local-only).</summary>
    [Required]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Connections this edge accepts before refusing new ones (HTTP 503).</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 50_000;

    /// <summary>Bytes queued for one connection before it is closed as a slow consumer (4008).</summary>
    [Range(4096, 1L << 30)]
    public long SendQueueBytes { get; set; } = 1024 * 1024;

    /// <summary>Upper bound of one coalesced outgoing text frame.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Largest client message accepted; bigger ones close the connection with 1009.</summary>
    [Range(256, 1024 * 1024)]
    public int MaxIncomingMessageBytes { get; set; } = 4096;

    /// <summary>Channels one connection may be in (its user channel and broadcast included).</summary>
    [Range(2, 10_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 128;

    /// <summary>Interval of application pings (and WebSocket keep-alive); keep it below proxy idle timeouts.</summary>
    [Range(1, 3600)]
    public int PingIntervalSeconds { get; set; } = 25;

    /// <summary>On SIGTERM, connections are asked to reconnect spread over this window, then closed with 1012.</summary>
    [Range(0, 3600)]
    public int DrainSeconds { get; set; } = 20;

    /// <summary>Ordered delivery workers (a channel always maps to the same one).</summary>
    [Range(1, 256)]
    public int DeliveryWorkers { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Broker message bytes queued per delivery worker before new ones are dropped (and counted).</summary>
    [Range(65_536, 1L << 32)]
    public long DeliveryQueueBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How often the edge refreshes its entry in the instance registry.</summary>
    [Range(1, 3600)]
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>
    /// Origins (<c>https://app.example.com</c>) allowed to open <c>/ws</c>; empty allows any. Requests
    /// without an <c>Origin</c> header (non-browser clients) are not affected. Set it when cookies
    /// or other ambient credentials reach the edge.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Commands a connection may send per second on average (token bucket refill).</summary>
    [Range(1, 100_000)]
    public int CommandsPerSecond { get; set; } = 20;

    /// <summary>Commands a connection may send in a burst (token bucket size).</summary>
    [Range(1, 100_000)]
    public int CommandBurst { get; set; } = 50;

    /// <summary>
    /// Strikes (malformed commands, commands over the rate) a connection may collect per minute;
    /// one more closes it (1008 for malformed input, 4029 for flooding).
    /// </summary>
    [Range(1, 100_000)]
    public int StrikesPerMinute { get; set; } = 10;

    /// <summary>History bytes one connection may pull per minute through <c>since</c> recovery (one page may overshoot it).</summary>
    [Range(1024, 1L << 32)]
    public long HistoryBytesPerMinute { get; set; } = 16 * 1024 * 1024;

    /// <summary>Connections one user may hold across the whole cluster (0: unlimited). Over it the connect is closed with 4029.</summary>
    [Range(0, 1_000_000)]
    public int MaxConnectionsPerUser { get; set; } = 100;

    /// <summary>
    /// Development mode: serves the demo page from <see cref="DemoPath"/> at <c>/</c> and mints
    /// tokens at <c>/dev/token?user=…&amp;rooms=…</c> with the HS256 secret. Never enable in production.
    /// </summary>
    public bool DevMode { get; set; }

    /// <summary>Folder with the demo page (development mode only).</summary>
    public string? DemoPath { get; set; }
}
