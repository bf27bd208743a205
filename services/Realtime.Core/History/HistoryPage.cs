namespace Realtime.Core.History;

/// <summary>
/// The result of reading a channel's history after an offset. <see cref="Complete"/> is true
/// when every message after the requested offset up to <see cref="TopOffset"/> is in
/// <see cref="Entries"/> (nothing was trimmed, expired or lost with the epoch).
/// </summary>
public sealed record HistoryPage(string Epoch, ulong TopOffset, IReadOnlyList<HistoryEntry> Entries, bool Complete);
