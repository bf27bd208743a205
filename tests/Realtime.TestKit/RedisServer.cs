using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace Realtime.TestKit;

/// <summary>
/// A real Redis for tests, found in this order: <c>REDIS_URL</c>; a <c>redis-server</c> from PATH
/// started on a free loopback port; Testcontainers.Redis when a Docker engine answers; otherwise a
/// clear failure that says how to get one. Shared by every test in the process. A redis-server
/// started here never outlives the process that started it (<see cref="WatchedStartInfo"/>).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static RedisServer? _shared;
    private Process? _process;
    private RedisContainer? _container;

    private RedisServer(string url, int port)
    {
        Url = url;
        Port = port;
    }

    public string Url { get; }

    public int Port { get; }

    public static async Task<RedisServer> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _shared ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Starts a private redis-server (for tests that stop and restart Redis).</summary>
    public static async Task<RedisServer> StartPrivateAsync(int? port = null)
    {
        var binary = FindOnPath("redis-server") ?? throw new InvalidOperationException(HowToGetRedis);
        return await StartProcessAsync(binary, port ?? FreePort());
    }

    /// <summary>
    /// Stops the server without waiting (process exit). Through the watchdog it only closes the
    /// watchdog's stdin: the watchdog then stops the server by itself, so this process dying half-way
    /// through cannot leave the server orphaned (killing the tree here could kill the watchdog first).
    /// </summary>
    private void KillNow()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                if (_process.StartInfo.RedirectStandardInput)
                {
                    _process.StandardInput.Close();
                }
                else
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    public const string HowToGetRedis =
        "No Redis for the tests: set REDIS_URL to a test Redis (it is written to), install redis-server " +
        "(Debian/Ubuntu: sudo apt-get install -y redis-server), or run a Docker engine for Testcontainers.";

    private static async Task<RedisServer> StartAsync()
    {
        var url = Environment.GetEnvironmentVariable("REDIS_URL");
        if (!string.IsNullOrWhiteSpace(url))
        {
            return new RedisServer(url, 0);
        }

        var binary = FindOnPath("redis-server");
        if (binary is not null)
        {
            var server = await StartProcessAsync(binary, FreePort());

            // The shared server lives as long as the test process: stop it when that exits.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.KillNow();
            return server;
        }

        try
        {
            var container = new RedisBuilder("redis:7-alpine").Build();
            await container.StartAsync();
            return new RedisServer(container.GetConnectionString(), 0) { _container = container };
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(HowToGetRedis, ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="binary"/> so that it cannot outlive the process that asked for it (by
    /// default this one), whatever ends that process, SIGKILL included: a <c>/bin/sh</c> watchdog starts
    /// it and stops it when its stdin (a pipe only the starter writes to) reaches end-of-file, which the
    /// kernel brings about when the starter exits or dies, or when the starter closes it; as a second
    /// line, it also polls the starter's pid every second. The watchdog exits with the server; killing
    /// the returned process's tree stops both. Keep the <see cref="Process"/> (and so its stdin) alive as
    /// long as the server should run.
    /// </summary>
    public static ProcessStartInfo WatchedStartInfo(string binary, IEnumerable<string> arguments, int? parentPid = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var direct = OperatingSystem.IsWindows() || !File.Exists(Shell);
        var info = new ProcessStartInfo(direct ? binary : Shell)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = !direct, // the watchdog's lifeline: EOF when this process ends
            UseShellExecute = false,
        };
        if (!direct)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(Watchdog);
            info.ArgumentList.Add("redis-watchdog");
            info.ArgumentList.Add((parentPid ?? Environment.ProcessId).ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Add(binary);
        }

        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private const string Shell = "/bin/sh";

    // $1 = the pid to outlive, then the command. The server runs in the background without the
    // lifeline (fd 3 = our stdin); one subshell waits for EOF on it, another polls the starter's pid;
    // either stops the server. The shell waits for the server (a server that exits on its own ends
    // the watchdog too) and forwards TERM/INT/HUP to it.
    private const string Watchdog = """
        parent=$1; shift
        exec 3<&0 0</dev/null
        "$@" 3<&- &
        server=$!
        ( cat <&3 >/dev/null 2>&1; kill "$server" 2>/dev/null ) &
        eof=$!
        exec 3<&-
        ( while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill "$server" 2>/dev/null ) &
        poll=$!
        trap 'kill "$server" 2>/dev/null' TERM INT HUP
        wait "$server"
        status=$?
        kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
        kill "$eof" "$poll" 2>/dev/null
        exit $status
        """;

    private static async Task<RedisServer> StartProcessAsync(string binary, int port)
    {
        var info = WatchedStartInfo(binary, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--protected-mode", "yes"]);
        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer($"redis://127.0.0.1:{port}", port) { _process = process };
        await Eventually.TrueAsync(async () =>
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
        }, TimeSpan.FromSeconds(20), $"redis-server on port {port} did not answer");
        return server;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
