using Realtime.Core.Channels;

namespace Realtime.Core.Bus;

/// <summary>The single-process bus (ENABLE_WEBSOCKET_CLUSTERING=false): no Redis, same semantics.</summary>
public sealed class InMemoryMessageBus(InMemoryChannelLog log) : IMessageBus
{
    public bool IsConnected => true;

    /// <summary>Never raised: the in-process bus cannot lose its subscriptions.</summary>
    public event EventHandler? SubscriptionsRestored
    {
        add { }
        remove { }
    }

    public Task<PublishResult> PublishAsync(OutgoingMessage message, CancellationToken cancellationToken = default) =>
        Task.FromResult(log.Publish(message));

    public Task<IAsyncDisposable> SubscribeAsync(ChannelName channel, Action<ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default)
    {
        var subscription = log.Subscribe(channel.Value, handler);
        return Task.FromResult<IAsyncDisposable>(new Subscription(subscription));
    }

    private sealed class Subscription(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
