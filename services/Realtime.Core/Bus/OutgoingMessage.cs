using Realtime.Core.Channels;

namespace Realtime.Core.Bus;

/// <summary>
/// A message about to be published: its channel, the encoded envelope and an optional idempotency
/// key. <see cref="Ephemeral"/> messages (control messages) get no offset and are never kept in history.
/// </summary>
public sealed record OutgoingMessage(ChannelName Channel, string MessageId, ReadOnlyMemory<byte> Envelope, string? IdempotencyKey, bool Ephemeral = false);
