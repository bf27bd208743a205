using Microsoft.Extensions.Logging.Abstractions;
using Realtime.Core.Options;

namespace Realtime.Redis.Tests;

/// <summary>Connections for one test: a unique key prefix, one or more Redis URLs.</summary>
internal static class RedisTestConnections
{
    public static string NewPrefix(string kind) => kind + Guid.NewGuid().ToString("N")[..8];

    public static RedisShards Shards(string prefix, params string[] urls)
    {
        var options = new RedisOptions { Prefix = prefix, OperationTimeoutMs = 2000 };
        options.Shards.AddRange(urls);
        return new RedisShards(Microsoft.Extensions.Options.Options.Create(options), NullLoggerFactory.Instance);
    }
}
