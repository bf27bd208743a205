namespace Realtime.Operator.Resources;

/// <summary>Lifecycle event delivery: webhook endpoints the dispatchers POST CloudEvents to.</summary>
internal sealed class EventsSpec
{
    public List<WebhookSpec> Webhooks { get; set; } = [];

    /// <summary>Attempts per event before it goes to the dead-letter stream.</summary>
    public int MaxAttempts { get; set; } = 8;
}

/// <summary>One webhook endpoint; its HMAC key comes from a Secret.</summary>
internal sealed class WebhookSpec
{
    public string Url { get; set; } = string.Empty;

    /// <summary>Secret key holding the HMAC-SHA256 signing key (at least 16 characters).</summary>
    public SecretKeyRef SecretRef { get; set; } = new();

    /// <summary>Only these event types (empty: all).</summary>
    public List<string> EventTypes { get; set; } = [];

    /// <summary>Only events of channels matching this glob (empty: all).</summary>
    public string? ChannelPattern { get; set; }
}
