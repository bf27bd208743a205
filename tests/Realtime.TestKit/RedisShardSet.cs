using System.Globalization;

namespace Realtime.TestKit;

/// <summary>
/// N independent redis-server processes on loopback for the sharded mode, each of which a test
/// can stop and start again on the same port.
/// </summary>
public sealed class RedisShardSet : IAsyncDisposable
{
    private readonly RedisServer?[] _servers;
    private readonly int[] _ports;

    private RedisShardSet(RedisServer[] servers)
    {
        _servers = servers;
        _ports = [.. servers.Select(s => s.Port)];
    }

    public int Count => _ports.Length;

    public IReadOnlyList<string> Urls => [.. _ports.Select(p => $"redis://127.0.0.1:{p}")];

    /// <summary>The settings that put a service in sharded mode over these servers.</summary>
    public IDictionary<string, string?> Settings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(more ?? new Dictionary<string, string?>(), StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _ports.Length; i++)
        {
            settings["Realtime:Redis:Shards:" + i.ToString(CultureInfo.InvariantCulture)] = Urls[i];
        }

        return settings;
    }

    public static async Task<RedisShardSet> StartAsync(int count)
    {
        var servers = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => RedisServer.StartPrivateAsync()));
        return new RedisShardSet(servers);
    }

    /// <summary>Stops shard <paramref name="shard"/> (its data goes with it: the servers keep none on disk).</summary>
    public async Task StopShardAsync(int shard)
    {
        if (_servers[shard] is { } server)
        {
            _servers[shard] = null;
            await server.DisposeAsync();
        }
    }

    /// <summary>Starts a stopped shard again on its port.</summary>
    public async Task StartShardAsync(int shard) => _servers[shard] ??= await RedisServer.StartPrivateAsync(_ports[shard]);

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            await StopShardAsync(i);
        }
    }
}
