using System.ComponentModel.DataAnnotations;

namespace Realtime.Dispatcher.Events;

/// <summary>Lifecycle event webhooks (section <c>Realtime:Webhooks</c>): CloudEvents 1.0, HMAC-signed, retried, dead-lettered.</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Realtime:Webhooks";

    /// <summary>Where events go; each endpoint has its own consumer group (its own progress) on the event stream.</summary>
    public List<WebhookEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>Attempts per event (the first included) before it goes to the dead-letter stream.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the second attempt; doubles each attempt up to <see cref="MaxBackoffMs"/>.</summary>
    [Range(1, 3_600_000)]
    public int InitialBackoffMs { get; set; } = 1000;

    [Range(1, 3_600_000)]
    public int MaxBackoffMs { get; set; } = 60_000;

    /// <summary>One attempt's timeout.</summary>
    [Range(100, 300_000)]
    public int TimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// While delivering, events any other consumer has held unacknowledged this long are claimed
    /// and delivered too (at least once: the receiver deduplicates by event id). A dispatcher that
    /// takes over the endpoint's delivery lease claims all of its predecessor's events at once.
    /// </summary>
    [Range(100, 86_400_000)]
    public int ClaimIdleMs { get; set; } = 600_000;

    /// <summary>The CloudEvents <c>source</c> attribute.</summary>
    [Required]
    public string Source { get; set; } = "/realtime";
}

/// <summary>One webhook endpoint.</summary>
internal sealed class WebhookEndpointOptions
{
    /// <summary>The URL events are POSTed to.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The HMAC-SHA256 key of the <c>X-Realtime-Signature</c> header (<c>sha256=</c> hex of the body).</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>Only these event types; empty = all.</summary>
    public List<string> EventTypes { get; set; } = [];

    /// <summary>Only events of channels matching this glob; empty = all events.</summary>
    public string ChannelPattern { get; set; } = string.Empty;
}
