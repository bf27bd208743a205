namespace Realtime.Core.History;

/// <summary>One retained message: its offset, when it was published (server time, ms) and the encoded envelope.</summary>
public sealed record HistoryEntry(ulong Offset, long PublishedAtMs, ReadOnlyMemory<byte> Envelope);
