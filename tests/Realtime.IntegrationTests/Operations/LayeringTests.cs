using System.Xml.Linq;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// The layering between projects, read from the project files: what each shipped project may
/// reference. A new project under services/ or clients/ must be added to <see cref="Allowed"/>,
/// which is where its place in the layers is decided.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Project → the projects and packages it may reference directly (nothing else).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        // Contracts: generated gRPC/protobuf types shared by the dispatcher and publishers.
        ["Realtime.Contracts"] = ["Google.Protobuf", "Google.Api.CommonProtos", "Grpc.Core.Api", "Grpc.Tools"],
        // Core: vocabulary and seams; no broker, no web framework, no Kubernetes.
        ["Realtime.Core"] = ["Realtime.Contracts", "Google.Protobuf", "Grpc.Tools", "Microsoft.Extensions.Options", "Microsoft.Extensions.Logging.Abstractions"],
        // A broker backend implements Core's seams.
        ["Realtime.Redis"] = ["Realtime.Core", "StackExchange.Redis", "Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Diagnostics.HealthChecks"],
        // Service defaults shared by the services.
        ["Realtime.Hosting"] = ["Realtime.Core", "Realtime.Redis", "Microsoft.AspNetCore.App", "prometheus-net.AspNetCore",
            "OpenTelemetry.Extensions.Hosting", "OpenTelemetry.Instrumentation.AspNetCore", "OpenTelemetry.Exporter.OpenTelemetryProtocol", "OpenTelemetry.Exporter.Console"],
        // The services: each on Hosting, never on each other; only the operator talks to Kubernetes.
        ["Realtime.Edge"] = ["Realtime.Hosting", "Microsoft.IdentityModel.JsonWebTokens"],
        ["Realtime.Dispatcher"] = ["Realtime.Hosting", "Realtime.Contracts", "Grpc.AspNetCore", "Grpc.AspNetCore.HealthChecks", "Grpc.AspNetCore.Server.Reflection",
            "Microsoft.AspNetCore.Grpc.JsonTranscoding", "CloudNative.CloudEvents", "CloudNative.CloudEvents.SystemTextJson"],
        ["Realtime.Operator"] = ["Realtime.Hosting", "KubernetesClient"],
        // Only the dev host composes services.
        ["Realtime.DevHost"] = ["Realtime.Edge", "Realtime.Dispatcher"],
        // SDKs stand alone: nothing from services/.
        ["Realtime.Client"] = ["Microsoft.Extensions.Logging.Abstractions", "Microsoft.CodeAnalysis.PublicApiAnalyzers"],
        ["Realtime.Client.Publisher"] = ["Realtime.Contracts", "Grpc.Net.Client", "Microsoft.CodeAnalysis.PublicApiAnalyzers"],
        ["Realtime.Cli"] = ["Realtime.Client", "Realtime.Client.Publisher", "Microsoft.IdentityModel.JsonWebTokens"],
    };

    public static TheoryData<string> ShippedProjects()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "services", "clients", "protos", "tools" })
        {
            foreach (var project in Directory.EnumerateFiles(Path.Combine(RepoRoot, folder), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(RepoRoot, project).Replace('\\', '/'));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedProjects))]
    public void Project_ReferencesOnlyWhatItsLayerAllows(string project)
    {
        var name = Path.GetFileNameWithoutExtension(project);
        Assert.True(Allowed.TryGetValue(name, out var allowed), $"{project} is not in LayeringTests.Allowed: decide what it may reference");
        var xml = XDocument.Load(Path.Combine(RepoRoot, project));
        var references = xml.Descendants()
            .Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference" or "FrameworkReference")
            .Select(e => (string?)e.Attribute("Include"))
            .OfType<string>()
            .Select(include => include.EndsWith(".csproj", StringComparison.Ordinal) ? Path.GetFileNameWithoutExtension(include.Replace('\\', '/')) : include);

        var forbidden = references.Where(r => !allowed.Contains(r, StringComparer.Ordinal)).ToArray();
        Assert.True(forbidden.Length == 0, $"{project} references {string.Join(", ", forbidden)}, which its layer does not allow");
    }

    [Fact]
    public void TheServices_DoNotReferenceEachOther_AndNothingShippedReferencesTestsOrBench()
    {
        string[] services = ["Realtime.Edge", "Realtime.Dispatcher", "Realtime.Operator"];
        foreach (var (project, allowed) in Allowed)
        {
            if (project != "Realtime.DevHost")
            {
                Assert.DoesNotContain(allowed, a => services.Contains(a) && a != project);
            }

            Assert.DoesNotContain(allowed, a => a.Contains("Test", StringComparison.Ordinal) || a.Contains("Bench", StringComparison.Ordinal));
        }
    }

    private static string RepoRoot { get; } = FindRepoRoot();

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
