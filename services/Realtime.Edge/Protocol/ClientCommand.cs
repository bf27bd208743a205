using System.Text.Json;
using System.Text.Json.Serialization;
using Realtime.Core.History;

namespace Realtime.Edge.Protocol;

/// <summary>
/// One parsed client command: <c>subscribe</c> (optionally with <c>since</c>, the position to
/// recover from, and a subscribe <c>token</c>), <c>unsubscribe</c> or <c>ping</c>.
/// </summary>
internal sealed record ClientCommand(string Op, long Id, string? Channel, StreamPosition? Since, string? Token)
{
    /// <summary>Parses a command; returns null (with a reason) for anything that is not a well-formed command object.</summary>
    public static ClientCommand? TryParse(ReadOnlySpan<byte> json, out string? error)
    {
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.Wire);
        }
        catch (JsonException ex)
        {
            error = Describe(ex);
            return null;
        }

        if (wire is null)
        {
            error = "a command must be a JSON object";
            return null;
        }

        if (string.IsNullOrEmpty(wire.Op))
        {
            error = "op is required";
            return null;
        }

        error = null;
        var since = wire.Since is { } s ? new StreamPosition(s.Epoch ?? string.Empty, s.Offset ?? 0) : (StreamPosition?)null;
        return new ClientCommand(wire.Op, wire.Id, wire.Channel, since, wire.Token);
    }

    // The serializer names the JSON path that failed; a client gets the rule it broke.
    private static string Describe(JsonException ex) => !ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) ? "malformed JSON" : ex.Path switch
    {
        "$" => "a command must be a JSON object",
        "$.id" => "id must be an integer",
        "$.since" => "since must be an object {epoch, offset}",
        "$.since.offset" => "since.offset must be a non-negative integer",
        "$.op" or "$.channel" or "$.token" or "$.since.epoch" => $"{ex.Path[2..]} must be a string",
        _ => "malformed JSON",
    };

    /// <summary>The command as it travels: unknown members are ignored, types are strict.</summary>
    internal sealed class Wire
    {
        [JsonPropertyName("op")]
        public string? Op { get; set; }

        [JsonPropertyName("id")]
        public long Id { get; set; }

        [JsonPropertyName("channel")]
        public string? Channel { get; set; }

        [JsonPropertyName("token")]
        public string? Token { get; set; }

        [JsonPropertyName("since")]
        public WirePosition? Since { get; set; }
    }

    internal sealed class WirePosition
    {
        [JsonPropertyName("epoch")]
        public string? Epoch { get; set; }

        [JsonPropertyName("offset")]
        public ulong? Offset { get; set; }
    }
}
