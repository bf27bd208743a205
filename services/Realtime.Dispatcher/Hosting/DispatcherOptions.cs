using System.ComponentModel.DataAnnotations;

namespace Realtime.Dispatcher.Hosting;

/// <summary>Dispatcher settings (section <c>Realtime:Dispatcher</c>).</summary>
internal sealed class DispatcherOptions
{
    public const string Section = "Realtime:Dispatcher";

    /// <summary>HTTP/1.1 port: JSON API (<c>POST /v1/publish</c>), health and metrics. 0 = any free port.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary>HTTP/2 cleartext port for gRPC. 0 = any free port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 8081;

    [Required]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Comma-separated API keys; callers must send one as <c>x-api-key</c> metadata.</summary>
    public string? ApiKeys { get; set; }

    /// <summary>
    /// Allows starting without <see cref="ApiKeys"/>: an open API where anyone who reaches the
    /// ports can publish, disconnect users and read presence. For development only; the process
    /// refuses to start without keys unless this is true, and warns at start when it is.
    /// </summary>
    public bool Insecure { get; set; }

    /// <summary>
    /// Largest request body on either listener, in bytes: an HTTP/JSON request (413 beyond) or one
    /// gRPC message (RESOURCE_EXHAUSTED beyond). A <c>PublishBatch</c> must fit in it.
    /// </summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest <c>data</c> payload accepted, in bytes of UTF-8 JSON.</summary>
    [Range(16, 4 * 1024 * 1024)]
    public int MaxDataBytes { get; set; } = 64 * 1024;

    /// <summary>Most messages in one <c>PublishBatch</c>.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Most messages one <c>GetHistory</c> returns.</summary>
    [Range(1, 100_000)]
    public int MaxHistoryLimit { get; set; } = 1000;

    /// <summary>Most messages of one <c>PublishStream</c> published but not yet answered; beyond it the stream reads no further.</summary>
    [Range(1, 100_000)]
    public int MaxStreamInFlight { get; set; } = 1024;

    /// <summary>Largest <c>GetPresence</c> page (a larger page_size is capped to it).</summary>
    [Range(1, 100_000)]
    public int MaxPresencePageSize { get; set; } = 1000;

    /// <summary>An edge is listed by <c>ListEdges</c> while its last heartbeat is younger than this.</summary>
    [Range(1, 3600)]
    public int EdgeTtlSeconds { get; set; } = 30;

    /// <summary>Comma-separated browser origins allowed to call the JSON API (CORS), e.g. the demo page; <c>*</c> for any.</summary>
    public string? CorsOrigins { get; set; }

    public IReadOnlyList<string> ApiKeyList =>
        (ApiKeys ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
