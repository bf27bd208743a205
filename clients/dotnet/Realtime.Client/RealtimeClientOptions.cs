using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Realtime.Client;

/// <summary>Settings of a <see cref="RealtimeClient"/>.</summary>
public sealed class RealtimeClientOptions
{
    /// <summary>Edge URLs (<c>ws://host/ws</c>). Attempts go round-robin through them, starting at a random one.</summary>
    public IList<Uri> Urls { get; } = [];

    /// <summary>Chooses the URL of an attempt (the argument counts attempts from 0). Overrides <see cref="Urls"/>.</summary>
    public Func<int, Uri>? UrlPicker { get; set; }

    /// <summary>A fixed token. A 4001 or 4002 close then stops the client (the token cannot be renewed).</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Produces the token for each connection attempt (first connect, every reconnect, and after a
    /// 4002 "token expired" close). Takes precedence over <see cref="Token"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? TokenProvider { get; set; }

    /// <summary>Backoff base (full jitter: a delay is uniform in [0, min(max, min·2^attempt)]). 500 ms as in protocol/client-defaults.json.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Limit for the WebSocket handshake plus the <c>welcome</c> of one attempt.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Nothing received for this many ping intervals means the connection is dead.</summary>
    public double LivenessIntervals { get; set; } = 2;

    /// <summary>Capacity of each subscription's queue. A full room queue pauses reading from the socket (backpressure).</summary>
    public int SubscriptionCapacity { get; set; } = 1024;

    /// <summary>Resubscribe <c>user:{sub}</c> and <c>broadcast</c> with <c>since</c> after each welcome to recover missed messages.</summary>
    public bool RecoverAutomaticChannels { get; set; } = true;

    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Adds <c>Authorization</c> and subprotocol headers itself; use this for anything else (proxy, certificates).</summary>
    public Action<System.Net.WebSockets.ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    internal Func<int, Uri> BuildPicker()
    {
        if (UrlPicker is { } picker)
        {
            return picker;
        }

        if (Urls.Count == 0)
        {
            throw new InvalidOperationException("RealtimeClientOptions needs at least one edge URL (Urls) or a UrlPicker.");
        }

        var urls = Urls.ToArray();
        var start = Random.Shared.Next(urls.Length);
        return attempt => urls[(start + attempt) % urls.Length];
    }

    internal void Validate()
    {
        if (Token is null && TokenProvider is null)
        {
            throw new InvalidOperationException("RealtimeClientOptions needs a Token or a TokenProvider.");
        }

        if (MinReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < MinReconnectDelay)
        {
            throw new InvalidOperationException("RealtimeClientOptions: MinReconnectDelay must be > 0 and <= MaxReconnectDelay.");
        }

        if (SubscriptionCapacity < 1)
        {
            throw new InvalidOperationException("RealtimeClientOptions: SubscriptionCapacity must be >= 1.");
        }
    }
}
