namespace Realtime.Client.Protocol;

/// <summary>Splits one text frame into its JSON lines: the edge may coalesce several objects into a frame, separated by <c>\n</c>. Empty lines are skipped.</summary>
internal static class FrameLines
{
    public static List<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> frame)
    {
        var lines = new List<ReadOnlyMemory<byte>>(1);
        var remaining = frame;
        while (remaining.Length > 0)
        {
            var end = remaining.Span.IndexOf((byte)'\n');
            var line = end < 0 ? remaining : remaining[..end];
            remaining = end < 0 ? ReadOnlyMemory<byte>.Empty : remaining[(end + 1)..];
            if (!line.Span.Trim((byte)'\r').IsEmpty)
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
