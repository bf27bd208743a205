using System.Diagnostics;

namespace Realtime.Chart.Tests.Rendering;

/// <summary>
/// Renders charts/realtime. Uses <c>helm template</c> when helm is on PATH; otherwise
/// builds the offline renderer (tests/chart/renderer, Go + sprig) once and uses that.
/// Shared by every test class through <see cref="ChartCollection"/>.
/// </summary>
public sealed class ChartRenderer
{
    public const string ReleaseName = "rt";
    public const string Namespace = "realtime";
    public const string RedisUrl = "redis://redis-master.data.svc:6379";

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(5);

    public ChartRenderer()
    {
        RepoRoot = FindRepoRoot();
        ChartDir = Path.Combine(RepoRoot, "charts", "realtime");
        ValuesDir = Path.Combine(RepoRoot, "tests", "chart", "values");
        HelmPath = FindOnPath("helm");
        if (HelmPath is null)
        {
            RendererPath = BuildRenderer(RepoRoot);
        }
    }

    public string RepoRoot { get; }
    public string ChartDir { get; }
    public string ValuesDir { get; }
    public string? HelmPath { get; }
    public string? RendererPath { get; }
    public bool UsesHelm => HelmPath is not null;

    /// <summary>The values overlays under tests/chart/values, by file name.</summary>
    public IReadOnlyList<string> ValueFiles() =>
        Directory.GetFiles(ValuesDir, "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    public string ValuesFile(string name) => Path.Combine(ValuesDir, name);

    /// <summary>Renders with helm-style arguments (-f, --set, --kube-version, ...), release "rt" in namespace "realtime".</summary>
    public RenderResult Render(params string[] args)
    {
        var argv = new List<string>();
        if (!args.Any(a => a.Contains("operator.", StringComparison.Ordinal)))
        {
            // The tests written before the operator cover the direct mode (the chart renders the workloads);
            // OperatorModeTests render with operator.enabled=true, the chart's default.
            args = ["--set", "operator.enabled=false", .. args];
        }

        if (HelmPath is not null)
        {
            argv.AddRange(["template", ReleaseName, ChartDir, "--namespace", Namespace]);
            argv.AddRange(args);
            return Run(HelmPath, argv);
        }

        argv.AddRange(["--name", ReleaseName, "--namespace", Namespace]);
        argv.AddRange(args);
        argv.Add(ChartDir);
        return Run(RendererPath!, argv);
    }

    /// <summary>Renders, requires success, and loads every document into typed models.</summary>
    public RenderedChart RenderOk(params string[] args)
    {
        var result = Render(args);
        Assert.True(result.ExitCode == 0,
            $"render failed ({string.Join(' ', args)}), exit {result.ExitCode}:\n{result.Stderr}");
        return RenderedChart.Load(result.Stdout);
    }

    /// <summary>Renders a values overlay from tests/chart/values.</summary>
    public RenderedChart RenderOverlay(string fileName, params string[] extra) =>
        RenderOk(["-f", ValuesFile(fileName), .. extra]);

    /// <summary>Renders the defaults plus the one value the chart requires.</summary>
    public RenderedChart RenderDefaults(params string[] extra) =>
        RenderOk(["--set", $"redis.url={RedisUrl}", .. extra]);

    /// <summary>Runs `helm lint` (helm) or a full render (offline renderer) with the given arguments.</summary>
    public RenderResult Lint(params string[] args)
    {
        if (HelmPath is null)
        {
            return Render(args);
        }

        return Run(HelmPath, ["lint", ChartDir, "--strict", .. args]);
    }

    internal static RenderResult Run(string fileName, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ProcessTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {ProcessTimeout}");
        }

        return new RenderResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string BuildRenderer(string repoRoot)
    {
        if (FindOnPath("go") is null)
        {
            throw new InvalidOperationException(
                "Chart tests need helm or Go to render the chart. Install Go and the packaged libraries with: "
                + "apt-get install -y golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev");
        }

        var script = Path.Combine(repoRoot, "tests", "chart", "build-renderer.sh");
        var result = Run("sh", [script], repoRoot);
        var binary = Path.Combine(repoRoot, "tests", "chart", "bin", "renderer");
        if (result.ExitCode != 0 || !File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"Building the chart renderer failed (exit {result.ExitCode}):\n{result.Stderr}\n"
                + "Needs: apt-get install -y golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev");
        }

        return binary;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "charts", "realtime", "Chart.yaml")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"charts/realtime/Chart.yaml not found above {AppContext.BaseDirectory}");
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}

public sealed record RenderResult(int ExitCode, string Stdout, string Stderr);

[CollectionDefinition(Name)]
public sealed class ChartCollection : ICollectionFixture<ChartRenderer>
{
    public const string Name = "chart";
}
