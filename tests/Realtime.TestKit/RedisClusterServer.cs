using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Realtime.TestKit;

/// <summary>
/// A real three-shard Redis Cluster on loopback (redis-server + redis-cli from PATH), for the
/// sharded pub/sub path. Each node keeps its cluster state in a private temporary folder.
/// </summary>
public sealed class RedisClusterServer : IAsyncDisposable
{
    private static readonly string[] CreateArgs = ["--cluster", "create", "--cluster-replicas", "0", "--cluster-yes"];
    private readonly List<Process> _nodes = [];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rt-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    public string Url { get; private set; } = string.Empty;

    public static async Task<RedisClusterServer> StartAsync()
    {
        var server = FindOnPath("redis-server") ?? throw new InvalidOperationException(RedisServer.HowToGetRedis);
        var cli = FindOnPath("redis-cli") ?? throw new InvalidOperationException("redis-cli is missing (Debian: apt-get install -y redis-tools)");
        var cluster = new RedisClusterServer();
        Directory.CreateDirectory(cluster._folder);
        var ports = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var port = RedisServer.FreePort();
            ports.Add(port);
            var dir = Path.Combine(cluster._folder, port.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            // Through the watchdog, like every redis-server of the tests: a node never outlives
            // the test process, whatever ends it (the Process stays referenced: its stdin is the lifeline).
            var info = RedisServer.WatchedStartInfo(server, ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--save", string.Empty, "--appendonly", "no"]);
            info.WorkingDirectory = dir;

            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            cluster._nodes.Add(process);
        }

        foreach (var port in ports)
        {
            await Eventually.TrueAsync(() => Ping(port), TimeSpan.FromSeconds(20), $"cluster node {port} did not answer");
        }

        var create = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in CreateArgs.Take(2).Concat(ports.Select(p => $"127.0.0.1:{p}")).Concat(CreateArgs.Skip(2)))
        {
            create.ArgumentList.Add(arg);
        }

        using (var creating = Process.Start(create)!)
        {
            var output = await creating.StandardOutput.ReadToEndAsync();
            await creating.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (creating.ExitCode != 0)
            {
                await cluster.DisposeAsync();
                throw new InvalidOperationException("redis-cli --cluster create failed: " + output);
            }
        }

        cluster.Url = $"redis://127.0.0.1:{ports[0]}";
        await Eventually.TrueAsync(async () =>
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{ports[0]},connectTimeout=1000,allowAdmin=true");
            var info = (string?)await mux.GetDatabase().ExecuteAsync("CLUSTER", "INFO");
            return info?.Contains("cluster_state:ok", StringComparison.Ordinal) == true;
        }, TimeSpan.FromSeconds(30), "the cluster did not reach cluster_state:ok");
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync();
            }

            node.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private static async Task<bool> Ping(int port)
    {
        try
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=500");
            return mux.IsConnected;
        }
        catch (RedisConnectionException)
        {
            return false;
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
