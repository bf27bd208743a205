using System.Collections.Concurrent;
using System.Diagnostics;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// A built service (<c>services/X/bin/&lt;config&gt;/net10.0/X.dll</c>) run as its own process the way
/// <c>scripts/run-local.sh</c> runs it: <c>dotnet path/to/X.dll</c> with the repository root as the
/// working directory and settings in environment variables. Every output line is kept.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServiceProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Every line written to stdout and stderr so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Starts <paramref name="project"/> (e.g. "Realtime.Edge") from <paramref name="workingDirectory"/> (default: the repository root).</summary>
    public static ServiceProcess Start(string project, IDictionary<string, string> environment, string? workingDirectory = null)
    {
        var dll = BuiltDll(project);
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory ?? RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);

        // Nothing of the test host's own hosting environment leaks into the service.
        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS", "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        return new ServiceProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}"));
    }

    /// <summary>The service's own build output, built by this test project's build (same configuration).</summary>
    public static string BuiltDll(string project)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var dll = Path.Combine(RepoRoot, "services", project, "bin", configuration, framework, project + ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution (dotnet build Realtime.sln -c {configuration}) first.");
        }

        return dll;
    }

    public async Task WaitReadyAsync(Uri readiness)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {_process.ExitCode}:\n{string.Join('\n', _lines)}");
            }

            try
            {
                return (await http.GetAsync(readiness)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), $"{readiness} did not become ready:\n{string.Join('\n', _lines)}");
    }

    /// <summary>SIGTERM, then waits for a clean exit (so every buffered log line is written).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Realtime.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Realtime.sln not found above {AppContext.BaseDirectory}");
    }
}
