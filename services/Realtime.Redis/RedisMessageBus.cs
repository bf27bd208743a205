using System.Globalization;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Options;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// The clustered bus: publish runs the publish script (offset + history + PUBLISH in one
/// step); subscribe uses an ordered <see cref="ChannelMessageQueue"/> per channel so that
/// messages of one channel are handed over in the order Redis delivered them.
/// </summary>
public sealed class RedisMessageBus(RedisConnection connection, IOptions<HistoryOptions> history) : IMessageBus
{
    public bool IsConnected => connection.IsConnected;

    public event EventHandler? SubscriptionsRestored
    {
        add => connection.SubscriptionsRestored += value;
        remove => connection.SubscriptionsRestored -= value;
    }

    public async Task<PublishResult> PublishAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        var options = history.Value;
        var policy = message.Ephemeral ? Core.History.HistoryPolicy.None : options.For(message.Channel);
        var channel = message.Channel.Value;
        var keys = connection.Channels;
        var window = string.IsNullOrEmpty(message.IdempotencyKey) ? 0 : options.IdempotencyWindowSeconds;
        RedisKey[] scriptKeys =
        [
            keys.Meta(channel),
            keys.History(channel),
            keys.Idempotency(message.Channel, message.IdempotencyKey ?? "-"),
        ];
        var epoch = NewEpoch();

        // IsCluster is known once connected, so the arguments are built inside the operation.
        var result = await connection.RunOnDatabaseAsync(
            db => db.ScriptEvaluateAsync(RedisScripts.Publish, scriptKeys,
            [
                keys.PubSubName(channel),
                message.Envelope,
                policy.MaxMessages,
                (long)policy.Ttl.TotalSeconds,
                epoch,
                window,
                message.MessageId,
                options.MetaTtlSeconds,
                connection.IsCluster ? 1 : 0,
            ]),
            cancellationToken);

        var parts = (RedisResult[])result!;
        var deduplicated = (long)parts[0] == 1;
        var text = (string)parts[1]!;
        var first = text.IndexOf(':', StringComparison.Ordinal);
        var second = text.IndexOf(':', first + 1);
        return new PublishResult(
            ulong.Parse(text.AsSpan(0, first), CultureInfo.InvariantCulture),
            text[(first + 1)..second],
            text[(second + 1)..],
            deduplicated);
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default)
    {
        var queue = await connection.RunAsync(multiplexer => multiplexer.GetSubscriber().SubscribeAsync(connection.PubSub(channel)), cancellationToken);
        queue.OnMessage(message => handler((byte[])message.Message!));
        return new Subscription(queue);
    }

    private static string NewEpoch() => Guid.NewGuid().ToString("N")[..12];

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
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
    }
}
