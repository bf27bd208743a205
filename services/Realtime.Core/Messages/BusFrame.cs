using System.Buffers.Text;
using System.Text;
using Google.Protobuf;
using Realtime.Core.History;

namespace Realtime.Core.Messages;

/// <summary>
/// The bytes published on a bus channel: <c>{offset}:{epoch}:{Envelope protobuf}</c>.
/// The publish script prepends the offset and epoch it assigned, so the envelope itself
/// is serialized once by the dispatcher and never re-encoded. <see cref="StreamPosition.None"/>
/// (offset 0, empty epoch) means the channel keeps no history.
/// </summary>
public readonly record struct BusFrame(StreamPosition Position, Envelope Envelope)
{
    /// <summary>Builds the frame bytes exactly as the Redis publish script does.</summary>
    public static byte[] Encode(StreamPosition position, ReadOnlySpan<byte> envelope)
    {
        var (epoch, offset) = (position.Epoch, position.Offset);
        Span<byte> digits = stackalloc byte[24];
        Utf8Formatter.TryFormat(offset, digits, out var n);
        var epochBytes = Encoding.ASCII.GetByteCount(epoch);
        var result = new byte[n + 1 + epochBytes + 1 + envelope.Length];
        digits[..n].CopyTo(result);
        result[n] = (byte)':';
        Encoding.ASCII.GetBytes(epoch, result.AsSpan(n + 1));
        result[n + 1 + epochBytes] = (byte)':';
        envelope.CopyTo(result.AsSpan(n + epochBytes + 2));
        return result;
    }

    /// <summary>Decodes frame bytes; returns false (never throws) for anything malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> frame, out BusFrame result)
    {
        result = default;
        var first = frame.IndexOf((byte)':');
        if (first <= 0 || !Utf8Parser.TryParse(frame[..first], out ulong offset, out var consumed) || consumed != first)
        {
            return false;
        }

        var rest = frame[(first + 1)..];
        var second = rest.IndexOf((byte)':');
        if (second < 0 || second > 64)
        {
            return false;
        }

        var epoch = Encoding.ASCII.GetString(rest[..second]);
        try
        {
            var envelope = Envelope.Parser.ParseFrom(rest[(second + 1)..]);
            if (string.IsNullOrEmpty(envelope.Channel))
            {
                return false;
            }

            result = new BusFrame(new StreamPosition(epoch, offset), envelope);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }
}
