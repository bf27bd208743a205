using System.Text.Json;

namespace Realtime.Client.Protocol;

/// <summary>One JSON object sent by the edge (one line of a frame), parsed into the fields the SDK uses.</summary>
internal sealed class ServerFrame
{
    public string Op { get; private init; } = string.Empty;

    public long Id { get; private init; }

    public bool Ok { get; private init; }

    public string? Channel { get; private init; }

    public string? Epoch { get; private init; }

    public ulong Offset { get; private init; }

    public bool? Recovered { get; private init; }

    public string? ErrorCode { get; private init; }

    public string? ErrorMessage { get; private init; }

    public string? Server { get; private init; }

    public string? User { get; private init; }

    public int PingIntervalMs { get; private init; }

    public int? AfterMs { get; private init; }

    public string? Reason { get; private init; }

    public RealtimeMessage? Message { get; private init; }

    /// <summary>Who joined or left, for <c>join</c> and <c>leave</c> (null when a member is missing).</summary>
    public PresenceEventArgs? Presence { get; private init; }

    /// <summary>Parses one line; returns null for anything that is not a JSON object with an <c>op</c>.</summary>
    public static ServerFrame? Parse(ReadOnlySpan<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var op = opElement.GetString()!;
            return op switch
            {
                "msg" => ParseMessage(root),
                "reply" => ParseReply(root),
                "welcome" => new ServerFrame
                {
                    Op = op,
                    Server = String(root, "server"),
                    User = String(root, "user"),
                    PingIntervalMs = (int)Math.Min(int.MaxValue, Number(root, "ping_interval_ms")),
                },
                "reconnect" => new ServerFrame
                {
                    Op = op,
                    AfterMs = root.TryGetProperty("after_ms", out var after) && after.TryGetInt32(out var ms) ? ms : null,
                    Reason = String(root, "reason"),
                },
                "unsubscribed" => new ServerFrame
                {
                    Op = op,
                    Channel = String(root, "channel"),
                    Reason = String(root, "reason"),
                },
                "join" or "leave" => new ServerFrame
                {
                    Op = op,
                    Channel = String(root, "channel"),
                    User = String(root, "user"),
                    Presence = String(root, "channel") is { } channel && String(root, "user") is { } who && String(root, "conn") is { } conn
                        ? new PresenceEventArgs(channel, who, conn)
                        : null,
                },
                _ => new ServerFrame { Op = op },
            };
        }
    }

    private static ServerFrame ParseMessage(JsonElement root)
    {
        var channel = String(root, "channel") ?? string.Empty;
        var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
        var message = new RealtimeMessage(channel, String(root, "event") ?? string.Empty, data, String(root, "id") ?? string.Empty, Number(root, "offset")) { Epoch = String(root, "epoch") };
        return new ServerFrame { Op = "msg", Channel = channel, Offset = message.Offset, Message = message };
    }

    private static ServerFrame ParseReply(JsonElement root)
    {
        string? code = null, text = null;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            code = String(error, "code");
            text = String(error, "message");
        }

        return new ServerFrame
        {
            Op = "reply",
            Id = root.TryGetProperty("id", out var id) && id.TryGetInt64(out var i) ? i : 0,
            Ok = root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True,
            Channel = String(root, "channel"),
            Epoch = String(root, "epoch"),
            Offset = Number(root, "offset"),
            Recovered = root.TryGetProperty("recovered", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null,
            ErrorCode = code,
            ErrorMessage = text,
        };
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ulong Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var n) ? n : 0;
}
