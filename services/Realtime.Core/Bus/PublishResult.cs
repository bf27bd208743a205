using Realtime.Core.History;

namespace Realtime.Core.Bus;

/// <summary>What a publish was assigned: its stream position (<see cref="StreamPosition.None"/> without history), the message id, and whether it was a repeat.</summary>
public readonly record struct PublishResult(StreamPosition Position, string MessageId, bool Deduplicated);
