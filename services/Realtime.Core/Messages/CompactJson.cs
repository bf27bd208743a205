using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Realtime.Core.Messages;

/// <summary>
/// Validates a publish payload as exactly one JSON value and re-writes it compactly: no whitespace
/// between tokens, strings re-escaped by System.Text.Json. The result never contains a raw line
/// feed or carriage return (JSON strings escape them), so a payload embedded in a client frame can
/// never split the frame, whose messages are separated by <c>\n</c>, or forge another message.
/// </summary>
public static class CompactJson
{
    /// <summary>Deepest nesting accepted.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        MaxDepth = MaxDepth,

        // Keeps non-ASCII text as it is (no \uXXXX blow-up); control characters, quotes and
        // backslashes are still escaped, so the output is valid JSON on one line.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Writes the compact form of <paramref name="json"/> to <paramref name="output"/>; returns false
    /// (and writes nothing usable) when the input is not exactly one valid JSON value.
    /// </summary>
    public static bool TryWrite(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            do
            {
                WriteToken(ref reader, writer);
            }
            while (reader.Read());

            writer.Flush();
            return writer.CurrentDepth == 0 && writer.BytesCommitted > 0;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // The writer refused a token sequence (only possible for input the reader let through
            // in a state the writer does not accept); treat as invalid rather than fail the call.
            return false;
        }
    }

    /// <summary>The compact form as a new array, or null when <paramref name="json"/> is not one JSON value.</summary>
    public static byte[]? TryCompact(ReadOnlySpan<byte> json)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, json.Length));
        return TryWrite(json, buffer) ? buffer.WrittenSpan.ToArray() : null;
    }

    private static void WriteToken(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName:
                if (reader.ValueIsEscaped)
                {
                    writer.WritePropertyName(reader.GetString()!);
                }
                else
                {
                    writer.WritePropertyName(reader.ValueSpan);
                }

                break;
            case JsonTokenType.String:
                if (reader.ValueIsEscaped)
                {
                    writer.WriteStringValue(reader.GetString());
                }
                else
                {
                    writer.WriteStringValue(reader.ValueSpan);
                }

                break;
            case JsonTokenType.Number:
                // The number's own text (already validated by the reader), so 1.50 stays 1.50.
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
            default:
                throw new JsonException($"unexpected token {reader.TokenType}");
        }
    }
}
