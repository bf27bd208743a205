using System.Buffers;
using System.Text.Json;
using Realtime.Core.Channels;
using Realtime.Core.History;
using Realtime.Core.Messages;

namespace Realtime.Edge.Protocol;

/// <summary>Builds the JSON objects the edge sends. A message frame is built once per message per edge.</summary>
internal static class Frames
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public static byte[] Ping { get; } = "{\"op\":\"ping\"}"u8.ToArray();

    public static byte[] Message(Envelope envelope, StreamPosition position) => Build(w =>
    {
        w.WriteString("op"u8, "msg"u8);
        w.WriteString("channel"u8, envelope.Channel);
        w.WriteString("event"u8, envelope.Event);
        w.WritePropertyName("data"u8);
        WriteData(w, envelope.Data.Span);
        w.WriteString("id"u8, envelope.Id);
        if (position.HasHistory)
        {
            w.WriteNumber("offset"u8, position.Offset);
            w.WriteString("epoch"u8, position.Epoch);
        }
    });

    public static byte[] Welcome(string server, string connection, string user, int pingIntervalMs) => Build(w =>
    {
        w.WriteString("op"u8, "welcome"u8);
        w.WriteString("server"u8, server);
        w.WriteString("conn"u8, connection);
        w.WriteString("user"u8, user);
        w.WriteNumber("ping_interval_ms"u8, pingIntervalMs);
    });

    public static byte[] Ok(long id) => Build(w =>
    {
        w.WriteString("op"u8, "reply"u8);
        w.WriteNumber("id"u8, id);
        w.WriteBoolean("ok"u8, true);
    });

    public static byte[] SubscribeOk(long id, ChannelName channel, StreamPosition position, bool? recovered) => Build(w =>
    {
        w.WriteString("op"u8, "reply"u8);
        w.WriteNumber("id"u8, id);
        w.WriteBoolean("ok"u8, true);
        w.WriteString("channel"u8, channel.Value);
        if (position.HasHistory)
        {
            w.WriteString("epoch"u8, position.Epoch);
            w.WriteNumber("offset"u8, position.Offset);
        }

        if (recovered is { } r)
        {
            w.WriteBoolean("recovered"u8, r);
        }
    });

    public static byte[] Error(long id, string code, string message) => Build(w =>
    {
        w.WriteString("op"u8, "reply"u8);
        w.WriteNumber("id"u8, id);
        w.WriteBoolean("ok"u8, false);
        w.WriteStartObject("error"u8);
        w.WriteString("code"u8, code);
        w.WriteString("message"u8, message);
        w.WriteEndObject();
    });

    /// <summary>The server ended a membership (its subscribe token expired); subscribe again with a fresh token.</summary>
    public static byte[] Unsubscribed(ChannelName channel, string reason) => Build(w =>
    {
        w.WriteString("op"u8, "unsubscribed"u8);
        w.WriteString("channel"u8, channel.Value);
        w.WriteString("reason"u8, reason);
    });

    /// <summary>A member joined a channel whose namespace notifies presence (Realtime:Presence:NotifyNamespaces).</summary>
    public static byte[] Join(ChannelName channel, string user, string connection) => Presence("join"u8, channel, user, connection);

    /// <summary>A member left such a channel.</summary>
    public static byte[] Leave(ChannelName channel, string user, string connection) => Presence("leave"u8, channel, user, connection);

    private static byte[] Presence(ReadOnlySpan<byte> op, ChannelName channel, string user, string connection)
    {
        var opBytes = op.ToArray();
        return Build(w =>
        {
            w.WriteString("op"u8, opBytes);
            w.WriteString("channel"u8, channel.Value);
            w.WriteString("user"u8, user);
            w.WriteString("conn"u8, connection);
        });
    }

    public static byte[] Reconnect(int afterMs, string reason) => Build(w =>
    {
        w.WriteString("op"u8, "reconnect"u8);
        w.WriteNumber("after_ms"u8, afterMs);
        w.WriteString("reason"u8, reason);
    });

    /// <summary>
    /// Writes a message's JSON data. Frames are separated by <c>\n</c>, so data that carries a
    /// raw line break (JSON allows whitespace between tokens; a publisher that pretty-prints, or
    /// one trying to forge frames) is re-written compactly; string contents are escaped anyway.
    /// </summary>
    internal static void WriteData(Utf8JsonWriter writer, ReadOnlySpan<byte> data)
    {
        if (data.IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            writer.WriteRawValue(data, skipInputValidation: true);
            return;
        }

        if (CompactJson.TryCompact(data) is { } compact)
        {
            writer.WriteRawValue(compact, skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue(); // not JSON: never written raw
        }
    }

    private static byte[] Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
