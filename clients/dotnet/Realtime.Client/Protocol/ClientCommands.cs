using System.Buffers;
using System.Text.Json;

namespace Realtime.Client.Protocol;

/// <summary>Writes the JSON commands the client sends.</summary>
internal static class ClientCommands
{
    public static byte[] Subscribe(long id, string channel, string? epoch, ulong? offset, string? token) => Build(w =>
    {
        w.WriteString("op", "subscribe");
        w.WriteNumber("id", id);
        w.WriteString("channel", channel);
        if (offset is { } o)
        {
            w.WriteStartObject("since");
            w.WriteString("epoch", epoch ?? string.Empty);
            w.WriteNumber("offset", o);
            w.WriteEndObject();
        }

        if (token is not null)
        {
            w.WriteString("token", token);
        }
    });

    public static byte[] Unsubscribe(long id, string channel) => Build(w =>
    {
        w.WriteString("op", "unsubscribe");
        w.WriteNumber("id", id);
        w.WriteString("channel", channel);
    });

    private static byte[] Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
