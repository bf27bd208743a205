using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// Issues 8.17 and 8.18: <c>make run</c> (scripts/run-local.sh) as a new user meets it: a port clash
/// is reported before anything is built, the banner's <c>make publish</c> reaches the dev host in
/// single-process mode, and Ctrl+C ends with a plain "stopped".
/// </summary>
public sealed class RunLocalTests
{
    [Fact]
    public async Task RunLocal_PortAlreadyInUse_ReportedAtOnceBeforeBuilding()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var runDir = Directory.CreateTempSubdirectory("rt-run-");
        try
        {
            var result = await ScriptRun.RunAsync("bash", ["scripts/run-local.sh"], new Dictionary<string, string?>
            {
                ["MODE"] = "single",
                ["RUN_DIR"] = runDir.FullName,
                ["EDGE_A_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["DISPATCHER_GRPC_PORT"] = RedisServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            });

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"port {port} (EDGE_A_PORT) is already in use", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("EDGE_A_PORT=9080", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("== building", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            runDir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RunLocal_SingleProcessMode_BannerPublishReachesAClientAndCtrlCStopsCleanly()
    {
        var port = RedisServer.FreePort();
        var runDir = Directory.CreateTempSubdirectory("rt-run-");
        var info = new ProcessStartInfo("setsid") // its own process group, like a terminal's foreground job
        {
            WorkingDirectory = ServiceProcess.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("bash");
        info.ArgumentList.Add("scripts/run-local.sh");
        info.Environment["MODE"] = "single";
        info.Environment["BUILD"] = "0"; // built by this test project's build
        info.Environment["RUN_DIR"] = runDir.FullName;
        info.Environment["EDGE_A_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["DISPATCHER_GRPC_PORT"] = RedisServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var name in new[] { "REDIS_URL", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS" })
        {
            info.Environment.Remove(name);
        }

        using var run = Process.Start(info)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        run.OutputDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        run.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        string Output() { lock (stdout) { lock (stderr) { return $"--- stdout\n{stdout}\n--- stderr\n{stderr}"; } } }

        try
        {
            await Eventually.TrueAsync(
                () => run.HasExited || Output().Contains("Press Ctrl+C to stop.", StringComparison.Ordinal),
                TimeSpan.FromSeconds(120),
                "make run did not come up");
            Assert.False(run.HasExited, Output());
            var banner = Output();
            Assert.Contains("single mode", banner, StringComparison.Ordinal);
            Assert.Contains($"make publish targets http://127.0.0.1:{port}", banner, StringComparison.Ordinal);
            Assert.Contains("INSECURE DEV MODE", banner, StringComparison.Ordinal);

            // The banner's own commands, as a user would type them in another terminal.
            var token = await ScriptRun.MakeAsync("token", "USER_ID=alice", "ROOMS=lobby", $"RUN_DIR={runDir.FullName}");
            Assert.True(token.ExitCode == 0, token.ToString());
            await using (var client = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), token.Stdout.Trim()))
            {
                Assert.True((bool?)(await client.SubscribeAsync("room:lobby"))["ok"]);
                var publish = await ScriptRun.MakeAsync("publish", "ROOM=lobby", """DATA={"text":"it's here"}""", $"RUN_DIR={runDir.FullName}");
                Assert.True(publish.ExitCode == 0, publish.ToString());
                var message = await client.NextMessageAsync("room:lobby");
                Assert.Equal("it's here", (string?)message["data"]!["text"]);
            }

            // Ctrl+C: SIGINT to the whole foreground process group.
            using (var interrupt = Process.Start("kill", ["-INT", "--", "-" + run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await run.WaitForExitAsync(timeout.Token);
            run.WaitForExit();
            var output = Output();
            Assert.True(run.ExitCode == 0, output);
            Assert.Contains("== stopped", output, StringComparison.Ordinal);
            Assert.DoesNotContain("!!", output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(runDir.FullName, "endpoints.mk")), "endpoints.mk outlived make run");
            await Eventually.TrueAsync(() => !Listening(port), TimeSpan.FromSeconds(20), "the dev host still listens after Ctrl+C");
        }
        finally
        {
            if (!run.HasExited)
            {
                using var kill = Process.Start("kill", ["-KILL", "--", "-" + run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }

            runDir.Delete(recursive: true);
        }
    }

    private static bool Listening(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            tcp.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
