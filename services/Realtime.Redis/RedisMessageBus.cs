using System.Globalization;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.History;
using StackExchange.Redis;
using StreamPosition = Realtime.Core.History.StreamPosition;

namespace Realtime.Redis;

/// <summary>
/// The clustered bus: publish runs the publish script (offset + history + PUBLISH in one
/// step) on the channel's shard; subscribe uses an ordered <see cref="ChannelMessageQueue"/> per
/// channel on that shard, so that messages of one channel are handed over in the order Redis
/// delivered them.
/// </summary>
public sealed class RedisMessageBus(RedisShards shards) : IMessageBus
{
    /// <summary>True while at least one shard is connected (a shard that is down affects only its channels).</summary>
    public bool IsConnected => shards.All.Any(s => s.IsConnected);

    public event EventHandler? SubscriptionsRestored
    {
        add
        {
            foreach (var shard in shards.All)
            {
                shard.SubscriptionsRestored += value;
            }
        }

        remove
        {
            foreach (var shard in shards.All)
            {
                shard.SubscriptionsRestored -= value;
            }
        }
    }

    public async Task<PublishResult> PublishAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var connection = shards.For(message.Channel);
        var options = message.Options;
        var policy = options.History;
        var channel = message.Channel.Value;
        var keys = connection.Channels;
        var window = string.IsNullOrEmpty(message.IdempotencyKey) ? 0 : (long)options.IdempotencyWindow.TotalSeconds;
        RedisKey[] scriptKeys =
        [
            keys.Meta(channel),
            keys.History(channel),
            keys.Idempotency(message.Channel, message.IdempotencyKey ?? "-"),
        ];
        var epoch = StreamPosition.NewEpoch();

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
                (long)options.MetaTtl.TotalSeconds,
                connection.IsCluster ? 1 : 0,
            ]),
            cancellationToken);

        if (connection.IsSentinel)
        {
            await WaitForReplicaAsync(connection, cancellationToken);
        }

        var parts = (RedisResult[])result!;
        var deduplicated = (long)parts[0] == 1;
        var text = (string)parts[1]!;
        var first = text.IndexOf(':', StringComparison.Ordinal);
        var second = text.IndexOf(':', first + 1);
        return new PublishResult(
            new StreamPosition(text[(first + 1)..second], ulong.Parse(text.AsSpan(0, first), CultureInfo.InvariantCulture)),
            text[(second + 1)..],
            deduplicated);
    }

    /// <summary>
    /// With Sentinel, a publish is confirmed only once a replica has it (WAIT 1): a write the primary
    /// accepted but no replica saw is lost when a failover promotes the replica, and its offset
    /// would be handed out again. Unconfirmed publishes answer UNAVAILABLE (the outcome is unknown,
    /// as after any timeout), never a success that the next primary does not know about.
    /// </summary>
    private static async Task WaitForReplicaAsync(RedisConnection connection, CancellationToken cancellationToken)
    {
        var timeoutMs = (long)Math.Max(50, connection.OperationTimeout.TotalMilliseconds / 2);
        var replicas = await connection.RunOnDatabaseAsync(db => db.ExecuteAsync("WAIT", 1, timeoutMs), cancellationToken);
        if ((long)replicas < 1)
        {
            throw new BusUnavailableException("No replica confirmed the publish in time (a Sentinel failover may be under way); its outcome is unknown.");
        }
    }

    public Task<IAsyncDisposable> SubscribeAsync(ChannelName channel, Action<ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default)
    {
        var connection = shards.For(channel);
        return connection.SubscribeAsync(() => connection.PubSub(channel.Value), value => handler((byte[])value!), cancellationToken);
    }
}
