using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Realtime.TestKit;

/// <summary>
/// A Sentinel-managed Redis on loopback: one primary, one replica and one sentinel (quorum 1),
/// started from Debian's redis-server and redis-sentinel, with <see cref="FailoverAsync"/> to
/// switch the primary. Every process stops with the fixture (or with the test process).
/// </summary>
public sealed class RedisSentinelGroup : IAsyncDisposable
{
    public const string Service = "realtime";

    private static readonly string[] BinaryDirectories = ["/usr/bin", "/usr/local/bin"];

    private readonly List<Process> _processes = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("realtime-sentinel-").FullName;

    private RedisSentinelGroup()
    {
    }

    public int SentinelPort { get; private set; }

    public IReadOnlyList<int> DataPorts { get; private set; } = [];

    /// <summary>The services' setting for this group.</summary>
    public string Url => $"redis+sentinel://127.0.0.1:{SentinelPort}/{Service}";

    public static async Task<RedisSentinelGroup> StartAsync()
    {
        var group = new RedisSentinelGroup();
        try
        {
            var primary = RedisServer.FreePort();
            var replica = RedisServer.FreePort();
            group.DataPorts = [primary, replica];
            group.Start("redis-server", Args(primary));
            group.Start("redis-server", [.. Args(replica), "--replicaof", "127.0.0.1", primary.ToString(CultureInfo.InvariantCulture)]);
            await WaitAsync(async () => (await InfoAsync(replica, "replication")).Contains("master_link_status:up", StringComparison.Ordinal), "the replica syncs");

            group.SentinelPort = RedisServer.FreePort();
            var config = Path.Combine(group._directory, "sentinel.conf");
            await File.WriteAllTextAsync(config, $"""
                port {group.SentinelPort}
                bind 127.0.0.1
                dir {group._directory}
                sentinel monitor {Service} 127.0.0.1 {primary} 1
                sentinel down-after-milliseconds {Service} 1000
                sentinel failover-timeout {Service} 10000
                sentinel parallel-syncs {Service} 1

                """);
            group.Start("redis-sentinel", [config]);
            await WaitAsync(async () => (await SentinelAsync(group.SentinelPort, "REPLICAS")).Length == 1, "the sentinel sees the replica");
            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the current primary, as the sentinel reports it.</summary>
    public async Task<int> PrimaryPortAsync()
    {
        await using var mux = await ConnectSentinelAsync(SentinelPort);
        var endpoint = await mux.GetServer("127.0.0.1", SentinelPort).SentinelGetMasterAddressByNameAsync(Service);
        return ((System.Net.IPEndPoint)endpoint!).Port;
    }

    /// <summary>Forces a failover (SENTINEL FAILOVER) and waits until the other server is the primary and the old one its replica.</summary>
    public async Task FailoverAsync()
    {
        var before = await PrimaryPortAsync();
        var after = DataPorts.Single(p => p != before);
        await using (var mux = await ConnectSentinelAsync(SentinelPort))
        {
            await mux.GetServer("127.0.0.1", SentinelPort).SentinelFailoverAsync(Service);
        }

        await WaitAsync(async () => await PrimaryPortAsync() == after, "the sentinel switches the primary");
        await WaitAsync(async () => (await InfoAsync(after, "replication")).Contains("role:master", StringComparison.Ordinal), "the replica is promoted");
        await WaitAsync(async () => (await InfoAsync(before, "replication")).Contains("master_link_status:up", StringComparison.Ordinal), "the old primary follows the new one");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // gone
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private static string[] Args(int port) =>
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no",
            "--protected-mode", "yes", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",

            // As the README advises for Sentinel: a primary that lost its replica (it is being
            // replaced) refuses writes at once instead of accepting ones the next primary never sees.
            "--min-replicas-to-write", "1", "--min-replicas-max-lag", "10",
        ];

    private void Start(string name, string[] args)
    {
        var binary = BinaryDirectories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{name} is not installed (Debian: apt-get install -y redis-server redis-sentinel).");
        var process = Process.Start(RedisServer.WatchedStartInfo(binary, args)) ?? throw new InvalidOperationException(name + " did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private static async Task<string> InfoAsync(int port, string section)
    {
        try
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true,connectTimeout=1000");
            return (await mux.GetServer("127.0.0.1", port).InfoRawAsync(section)) ?? string.Empty;
        }
        catch (RedisConnectionException)
        {
            return string.Empty;
        }
    }

    private static async Task<KeyValuePair<string, string>[][]> SentinelAsync(int port, string what)
    {
        try
        {
            await using var mux = await ConnectSentinelAsync(port);
            var server = mux.GetServer("127.0.0.1", port);
            return what == "REPLICAS" ? await server.SentinelReplicasAsync(Service) : [];
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisServerException)
        {
            return [];
        }
    }

    private static Task<ConnectionMultiplexer> ConnectSentinelAsync(int port) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            CommandMap = CommandMap.Sentinel,
            AllowAdmin = true,
            ConnectTimeout = 1000,
        });

    private static Task WaitAsync(Func<Task<bool>> condition, string because) =>
        Eventually.TrueAsync(condition, TimeSpan.FromSeconds(30), because);
}
