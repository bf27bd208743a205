using Realtime.Core.Channels;

namespace Realtime.Core.Bus;

/// <summary>
/// A message about to be published: its channel, the encoded envelope, an optional idempotency
/// key and the <see cref="PublishOptions"/> (history policy) the caller decided for the channel.
/// </summary>
public sealed record OutgoingMessage(ChannelName Channel, string MessageId, ReadOnlyMemory<byte> Envelope, string? IdempotencyKey, PublishOptions Options);
