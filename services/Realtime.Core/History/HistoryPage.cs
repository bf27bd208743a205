namespace Realtime.Core.History;

/// <summary>
/// The result of reading a channel's history after an offset: the stream's <see cref="Top"/>
/// (its epoch and newest offset) and the entries read. <see cref="Complete"/> is true when every
/// message after the requested offset up to the top is in <see cref="Entries"/> (nothing was
/// trimmed or expired).
/// </summary>
public sealed record HistoryPage(StreamPosition Top, IReadOnlyList<HistoryEntry> Entries, bool Complete)
{
    /// <summary>
    /// True when a reader that had everything up to <paramref name="since"/> misses nothing by
    /// taking <see cref="Entries"/>: the page is complete and in the same epoch (or the reader
    /// starts from the very beginning, offset 0 with no epoch).
    /// </summary>
    public bool Continues(StreamPosition since) =>
        Complete && (Top.Epoch == since.Epoch || (since.Offset == 0 && !since.HasHistory));
}
