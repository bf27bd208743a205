using System.Text.Json;

namespace Realtime.Client;

/// <summary>One published message as the edge delivered it (<c>{"op":"msg",…}</c>).</summary>
/// <param name="Channel">Full channel name, e.g. <c>room:lobby</c>, <c>user:alice</c>, <c>broadcast</c>.</param>
/// <param name="Event">The application event name.</param>
/// <param name="Data">The publisher's JSON payload (a detached clone; safe to keep).</param>
/// <param name="Id">The message id assigned by the dispatcher.</param>
/// <param name="Offset">Per-channel offset (strictly +1 per message) on channels with history; 0 otherwise.</param>
public sealed record RealtimeMessage(string Channel, string Event, JsonElement Data, string Id, ulong Offset)
{
    /// <summary>
    /// True on the first message delivered after messages may have been missed (a recovery that
    /// failed, or an offset jump): the application should refetch its state.
    /// </summary>
    public bool AfterGap { get; init; }

    /// <summary>The channel's history epoch (with <see cref="Offset"/>); a new epoch means the channel's history was lost and offsets restarted.</summary>
    public string? Epoch { get; init; }

    /// <summary>Deserializes <see cref="Data"/>.</summary>
    public T? DataAs<T>(JsonSerializerOptions? options = null) => Data.Deserialize<T>(options);

    /// <summary>The message as one JSON object (the shape of the wire frame, without <c>op</c>).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("channel", Channel);
            writer.WriteString("event", Event);
            writer.WritePropertyName("data");
            Data.WriteTo(writer);
            writer.WriteString("id", Id);
            if (Offset > 0)
            {
                writer.WriteNumber("offset", Offset);
            }

            if (!string.IsNullOrEmpty(Epoch))
            {
                writer.WriteString("epoch", Epoch);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
