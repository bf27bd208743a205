using System.Net.Mime;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Realtime.Core.Events;

namespace Realtime.Dispatcher.Events;

/// <summary>A lifecycle event as a CloudEvents 1.0 structured-mode JSON body, and its signature.</summary>
internal static class WebhookPayload
{
    public const string SignatureHeader = "X-Realtime-Signature";

    /// <summary>CloudEvents <c>type</c> prefix: <c>io.realtime.connected</c>, …</summary>
    public const string TypePrefix = "io.realtime.";

    private static readonly JsonEventFormatter Formatter = new();

    public static (byte[] Body, string ContentType) Encode(LifecycleEvent e, Uri source)
    {
        var cloudEvent = new CloudEvent
        {
            Id = e.Id,
            Type = TypePrefix + e.Type,
            Source = source,
            Subject = e.Channel.Length > 0 ? e.Channel : e.User,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(e.TimeMs),
            DataContentType = MediaTypeNames.Application.Json,
            Data = new JsonObject
            {
                ["type"] = e.Type,
                ["server"] = e.Server,
                ["user"] = e.User,
                ["conn"] = e.Connection,
                ["channel"] = e.Channel,
                ["reason"] = e.Reason,
                ["code"] = e.Code,
                ["seq"] = e.Seq,
            },
        };
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out var contentType);
        return (body.ToArray(), contentType.ToString());
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of the body.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
