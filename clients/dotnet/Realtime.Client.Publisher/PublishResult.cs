namespace Realtime.Client.Publisher;

/// <summary>What the dispatcher answered to a publish.</summary>
/// <param name="MessageId">The message id (also the <c>id</c> clients see).</param>
/// <param name="Channel">The full channel name, e.g. <c>room:lobby</c>.</param>
/// <param name="Offset">The channel offset when the channel keeps history; 0 otherwise.</param>
/// <param name="Epoch">The channel's history epoch; empty when it keeps none.</param>
/// <param name="Deduplicated">True when the idempotency key was seen before and nothing was delivered again.</param>
public sealed record PublishResult(string MessageId, string Channel, ulong Offset, string Epoch, bool Deduplicated);
