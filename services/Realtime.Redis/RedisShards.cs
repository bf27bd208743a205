using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Options;

namespace Realtime.Redis;

/// <summary>
/// The Redis connections of this process: one for a single Redis (or Sentinel group, or Cluster),
/// or one per shard of <see cref="RedisOptions.Shards"/>. A channel lives on the shard that
/// <see cref="JumpHash"/> picks for its name, for publishing, history, presence and subscriptions
/// alike; keys that belong to no channel (the instance registry) live on shard 0.
/// </summary>
public sealed class RedisShards : IBrokerShards, IAsyncDisposable
{
    public RedisShards(IReadOnlyList<RedisConnection> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentOutOfRangeException.ThrowIfZero(shards.Count);
        All = shards;
    }

    public RedisShards(IOptions<RedisOptions> options, ILoggerFactory loggers)
        : this(Connect(options.Value, loggers))
    {
    }

    public IReadOnlyList<RedisConnection> All { get; }

    public int Count => All.Count;

    /// <summary>The shard of non-channel keys (instance registry, events).</summary>
    public RedisConnection First => All[0];

    public int IndexOf(string channel) => JumpHash.Bucket(channel, All.Count);

    public RedisConnection For(ChannelName channel)
    {
        return All[IndexOf(channel.Value)];
    }

    public string NameOf(int shard) => All[shard].Name;

    public bool IsConnected(int shard) => All[shard].IsConnected;

    public async Task<bool> TryConnectAsync(int shard, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            var multiplexer = await All[shard].GetAsync().WaitAsync(timeout, cancellationToken);
            return multiplexer.IsConnected;
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex) || ex is StackExchange.Redis.RedisException)
        {
            return false;
        }
    }

    public Task<IAsyncDisposable> SubscribeProbeAsync(int shard, string probe, Action<ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default)
    {
        var connection = All[shard];
        var name = connection.Channels.ProbeName(probe);
        return connection.SubscribeAsync(() => connection.PubSubNamed(name), value => handler((byte[])value!), cancellationToken);
    }

    public Task<long> PublishProbeAsync(int shard, string probe, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var connection = All[shard];
        var name = connection.Channels.ProbeName(probe);
        return connection.RunAsync(multiplexer => multiplexer.GetSubscriber().PublishAsync(connection.PubSubNamed(name), payload), cancellationToken);
    }

    public Task ReconnectAsync(int shard, CancellationToken cancellationToken = default) => All[shard].ReconnectAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in All)
        {
            await shard.DisposeAsync();
        }
    }

    private static RedisConnection[] Connect(RedisOptions options, ILoggerFactory loggers)
    {
        var urls = options.ShardUrls();
        var logger = loggers.CreateLogger<RedisConnection>();
        return [.. urls.Select((url, i) => new RedisConnection(options, url, i.ToString(System.Globalization.CultureInfo.InvariantCulture), logger))];
    }
}
