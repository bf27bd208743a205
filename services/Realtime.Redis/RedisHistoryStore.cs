using Realtime.Core.Channels;
using Realtime.Core.History;
using StackExchange.Redis;
using StreamPosition = Realtime.Core.History.StreamPosition;

namespace Realtime.Redis;

/// <summary>Reads history streams written by the publish script (on the channel's shard), in one atomic script call.</summary>
public sealed class RedisHistoryStore(RedisShards shards) : IHistoryStore
{
    public async Task<HistoryPage> ReadAsync(ChannelName channel, ulong sinceOffset, int limit, HistoryPolicy policy, CancellationToken cancellationToken = default)
    {
        var connection = shards.For(channel);
        var result = await connection.RunOnDatabaseAsync(
            db => db.ScriptEvaluateAsync(
                RedisScripts.History,
                [connection.Channels.Meta(channel.Value), connection.Channels.History(channel.Value)],
                [sinceOffset, policy.Enabled ? Math.Max(0, limit) : 0]),
            cancellationToken);

        var parts = (RedisResult[])result!;
        var epoch = (string?)parts[0] ?? string.Empty;
        var top = (ulong)(long)parts[1];
        var now = (long)parts[2];
        var rows = (RedisResult[])parts[3]!;
        var entries = new List<HistoryEntry>(rows.Length);
        foreach (var row in rows)
        {
            var pair = (RedisResult[])row!;
            var id = (string)pair[0]!;
            var fields = (RedisResult[])pair[1]!;
            long ts = 0;
            byte[]? data = null;
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                switch ((string?)fields[i])
                {
                    case "t":
                        ts = (long)fields[i + 1];
                        break;
                    case "d":
                        data = (byte[]?)fields[i + 1];
                        break;
                }
            }

            var dash = id.IndexOf('-', StringComparison.Ordinal);
            if (data is not null && ulong.TryParse(id.AsSpan(0, dash), out var offset))
            {
                entries.Add(new HistoryEntry(offset, ts, data));
            }
        }

        return HistoryReadRules.Build(new StreamPosition(epoch, top), entries, sinceOffset, limit, policy, now);
    }
}
