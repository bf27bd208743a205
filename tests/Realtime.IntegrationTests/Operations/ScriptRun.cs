using System.Diagnostics;
using System.Text;

namespace Realtime.IntegrationTests.Operations;

/// <summary>Runs a developer entry point (<c>make …</c>, <c>bash scripts/…</c>) in the repository root, with arguments passed as a shell would pass them.</summary>
public static class ScriptRun
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Task<Result> MakeAsync(params string[] args) => RunAsync("make", ["-s", "-C", ServiceProcess.RepoRoot, .. args]);

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = ServiceProcess.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        // The caller's own settings must not leak in (MAKEFLAGS of an outer make, a REDIS_URL, …).
        foreach (var name in new[] { "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "DISPATCHER_HTTP", "DATA", "ROOM", "USER_ID", "BROADCAST", "EVENT", "API_KEY" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null)
            {
                info.Environment.Remove(k);
            }
            else
            {
                info.Environment[k] = v;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish:\n{stdout}\n{stderr}");
        }

        process.WaitForExit(); // drains the output events
        return new Result(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
