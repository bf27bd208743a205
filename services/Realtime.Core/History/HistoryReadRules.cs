namespace Realtime.Core.History;

/// <summary>
/// The read-time retention and completeness rules both history stores apply, so the
/// in-memory and Redis implementations agree exactly.
/// </summary>
public static class HistoryReadRules
{
    public static HistoryPage Build(StreamPosition position, IEnumerable<HistoryEntry> stored, ulong since, int limit, HistoryPolicy policy, long nowMs)
    {
        var top = position.Offset;
        if (limit <= 0)
        {
            return new HistoryPage(position, [], since == top);
        }

        var floor = top > (ulong)policy.MaxMessages ? top - (ulong)policy.MaxMessages : 0UL;
        var cutoff = policy.Ttl > TimeSpan.Zero ? nowMs - (long)policy.Ttl.TotalMilliseconds : long.MinValue;
        var entries = new List<HistoryEntry>();
        foreach (var entry in stored)
        {
            if (entry.Offset <= since || entry.Offset <= floor || entry.PublishedAtMs < cutoff || entry.Offset > top)
            {
                continue;
            }

            entries.Add(entry);
            if (entries.Count >= limit)
            {
                break;
            }
        }

        bool complete;
        if (since > top)
        {
            complete = false;
        }
        else if (since == top)
        {
            complete = true;
        }
        else
        {
            complete = entries.Count > 0 && entries[0].Offset == since + 1;
            for (var i = 1; complete && i < entries.Count; i++)
            {
                complete = entries[i].Offset == entries[i - 1].Offset + 1;
            }

            complete = complete && (entries[^1].Offset == top || entries.Count == limit);
        }

        return new HistoryPage(position, entries, complete);
    }
}
