using System.Diagnostics;
using System.Net.Sockets;
using Realtime.TestKit;
using StackExchange.Redis;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// Issue 8.20: a redis-server started by TestKit does not outlive the process that started it, whether
/// that process exits normally or is killed with SIGKILL (no exit handler runs).
/// </summary>
public sealed class RedisServerLifetimeTests
{
    [Theory]
    [InlineData("shared", "KILL")]
    [InlineData("private", "KILL")]
    [InlineData("shared", "TERM")]
    public async Task RedisServer_StarterEnds_ServerStopsAnswering(string kind, string signal)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        info.ArgumentList.Add("redis-child");
        info.ArgumentList.Add(kind);
        info.Environment.Remove("REDIS_URL");

        using var child = Process.Start(info)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        child.OutputDataReceived += (_, e) => output.Enqueue("out: " + e.Data);
        child.ErrorDataReceived += (_, e) => output.Enqueue("err: " + e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        var port = 0;
        try
        {
            await Eventually.TrueAsync(
                () =>
                {
                    var line = output.FirstOrDefault(l => l.StartsWith("out: port ", StringComparison.Ordinal));
                    return line is not null && int.TryParse(line["out: port ".Length..], out port);
                },
                TimeSpan.FromSeconds(60),
                "the child did not start a Redis: " + string.Join('\n', output));
            Assert.True(await AnswersAsync(port), "the child's redis-server does not answer");
        }
        finally
        {
            // KILL: no ProcessExit handler, no finally, nothing of the child runs. TERM: .NET exits normally
            // (ProcessExit handlers run), the way a test host ends after its last test.
            using (var kill = Process.Start("kill", ["-" + signal, child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await child.WaitForExitAsync();
        }

        try
        {
            await Eventually.TrueAsync(async () => !await AnswersAsync(port), TimeSpan.FromSeconds(15), $"redis-server on port {port} outlived the process that started it");
        }
        finally
        {
            await ShutdownIfAliveAsync(port);
        }
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Leaves nothing behind when the assertion above failed.</summary>
    private static async Task ShutdownIfAliveAsync(int port)
    {
        if (!await AnswersAsync(port))
        {
            return;
        }

        try
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true,connectTimeout=2000");
            mux.GetServer("127.0.0.1", port).Shutdown(ShutdownMode.Never);
        }
        catch (RedisException)
        {
            // gone meanwhile
        }
    }
}
