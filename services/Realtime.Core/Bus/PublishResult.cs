namespace Realtime.Core.Bus;

/// <summary>What a publish was assigned: offset and epoch (0 and empty without history), the message id, and whether it was a repeat.</summary>
public readonly record struct PublishResult(ulong Offset, string Epoch, string MessageId, bool Deduplicated);
