using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// One pub/sub subscription made through <see cref="RedisConnection"/>: an ordered
/// <see cref="ChannelMessageQueue"/>, re-attached to a new multiplexer when the connection is replaced.
/// </summary>
internal sealed class RedisSubscription(RedisConnection connection, Func<RedisChannel> channel, Action<RedisValue> handler) : IAsyncDisposable
{
    private ChannelMessageQueue? _queue;
    private int _disposed;

    public async Task<bool> AttachAsync(IConnectionMultiplexer multiplexer)
    {
        var queue = await multiplexer.GetSubscriber().SubscribeAsync(channel());

        // A replaced queue lives on a connection that is being closed; whatever it still yields is ignored.
        queue.OnMessage(message =>
        {
            if (ReferenceEquals(Volatile.Read(ref _queue), queue))
            {
                handler(message.Message);
            }
        });
        Volatile.Write(ref _queue, queue);
        if (Volatile.Read(ref _disposed) == 1)
        {
            await UnsubscribeQuietlyAsync(queue);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            connection.Forget(this);
            if (Volatile.Read(ref _queue) is { } queue)
            {
                await UnsubscribeQuietlyAsync(queue);
            }
        }
    }

    private static async Task UnsubscribeQuietlyAsync(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync();
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            // The connection is gone; the server dropped the subscription with it.
        }
    }
}
