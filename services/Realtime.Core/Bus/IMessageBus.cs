using Realtime.Core.Channels;

namespace Realtime.Core.Bus;

/// <summary>
/// Carries messages from publishers to every process subscribed to a channel. Publishing
/// also assigns the channel's next offset and appends to its history (when the channel's
/// namespace keeps history) in one atomic step, so offsets and delivery order agree.
/// </summary>
public interface IMessageBus
{
    /// <summary>Publishes one message; throws <see cref="BusUnavailableException"/> when the broker cannot be reached.</summary>
    Task<PublishResult> PublishAsync(OutgoingMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes <paramref name="handler"/> to a channel. The handler runs on the broker's
    /// thread and must not block. Dispose the result to unsubscribe that handler.
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(ChannelName channel, Action<ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default);

    /// <summary>True while the broker connection is up.</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Raised after the broker's subscription connection was lost and restored: messages published
    /// meanwhile never reached this process's subscriptions (subscribers can fill the gap from history).
    /// </summary>
    event EventHandler? SubscriptionsRestored;
}
