using System.Text.Json;

namespace Realtime.Edge.Protocol;

/// <summary>One parsed client command: <c>subscribe</c>, <c>unsubscribe</c> or <c>ping</c>.</summary>
public sealed record ClientCommand(string Op, long Id, string? Channel, string? SinceEpoch, ulong? SinceOffset, string? Token)
{
    /// <summary>Parses a command; returns null (with a reason) for anything that is not a well-formed command object.</summary>
    public static ClientCommand? TryParse(ReadOnlySpan<byte> json, out string? error)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "a command must be a JSON object";
                return null;
            }

            string? op = null, channel = null, epoch = null, token = null;
            long id = 0;
            ulong? offset = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("op"u8))
                {
                    op = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out id))
                    {
                        error = "id must be an integer";
                        return null;
                    }
                }
                else if (reader.ValueTextEquals("channel"u8))
                {
                    channel = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("token"u8))
                {
                    token = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("since"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        error = "since must be an object {epoch, offset}";
                        return null;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("epoch"u8))
                        {
                            epoch = ReadString(ref reader);
                        }
                        else if (reader.ValueTextEquals("offset"u8))
                        {
                            reader.Read();
                            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var o))
                            {
                                error = "since.offset must be a non-negative integer";
                                return null;
                            }

                            offset = o;
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }

                    offset ??= 0;
                    epoch ??= string.Empty;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (string.IsNullOrEmpty(op))
            {
                error = "op is required";
                return null;
            }

            error = null;
            return new ClientCommand(op, id, channel, epoch, offset, token);
        }
        catch (JsonException)
        {
            error = "malformed JSON";
            return null;
        }
        catch (InvalidOperationException)
        {
            error = "malformed command";
            return null;
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new InvalidOperationException(),
        };
    }
}
