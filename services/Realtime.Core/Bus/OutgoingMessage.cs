using Realtime.Core.Channels;

namespace Realtime.Core.Bus;

/// <summary>A message about to be published: its channel, the encoded envelope and an optional idempotency key.</summary>
public sealed record OutgoingMessage(ChannelName Channel, string MessageId, ReadOnlyMemory<byte> Envelope, string? IdempotencyKey);
