using Microsoft.Extensions.Configuration;

namespace Realtime.Hosting;

/// <summary>
/// The plain environment variables operators of the single-instance predecessor already set:
/// <c>REDIS_URL</c>, <c>SERVER_ID</c> (or <c>POD_NAME</c>) and <c>ENABLE_WEBSOCKET_CLUSTERING</c>;
/// and <c>REDIS_SHARDS</c>, a list of Redis URLs for the sharded mode.
/// Each maps onto its <c>Realtime:…</c> key unless that key is set explicitly.
/// </summary>
public static class ConfigurationAliases
{
    private static readonly (string Alias, string Key)[] Aliases =
    [
        ("REDIS_URL", "Realtime:Redis:Url"),
        ("SERVER_ID", "Realtime:ServerId"),
        ("POD_NAME", "Realtime:ServerId"),
        ("ENABLE_WEBSOCKET_CLUSTERING", "Realtime:EnableClustering"),
    ];

    public static void Apply(IConfigurationManager configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, key) in Aliases)
        {
            var value = configuration[alias];
            if (!string.IsNullOrWhiteSpace(value) && string.IsNullOrWhiteSpace(configuration[key]) && !values.ContainsKey(key))
            {
                values[key] = value;
            }
        }

        // REDIS_SHARDS: a list of URLs (space, ';' or ',' separated) onto Realtime:Redis:Shards:0, :1, …
        var shards = configuration["REDIS_SHARDS"];
        if (!string.IsNullOrWhiteSpace(shards) && !configuration.GetSection("Realtime:Redis:Shards").GetChildren().Any())
        {
            var urls = Realtime.Redis.RedisUrl.SplitList(shards);
            for (var i = 0; i < urls.Count; i++)
            {
                values[$"Realtime:Redis:Shards:{i}"] = urls[i];
            }
        }

        if (values.Count > 0)
        {
            configuration.AddInMemoryCollection(values);
        }
    }
}
