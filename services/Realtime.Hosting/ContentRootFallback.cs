using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Realtime.Hosting;

/// <summary>
/// A service started from another directory (<c>dotnet services/Realtime.Edge/bin/…/Realtime.Edge.dll</c>
/// from the repository root, a systemd unit without WorkingDirectory, …) gets the current directory as
/// its content root and silently runs without its <c>appsettings.json</c>: default log levels, no log
/// format. When the content root is the current directory (none was asked for elsewhere), holds no
/// <c>appsettings.json</c>, and the
/// application's own directory has one, the content root becomes the application's directory and the
/// <c>appsettings*.json</c> sources are re-pointed there, in place, so environment variables and the
/// command line still override them.
/// </summary>
public static class ContentRootFallback
{
    public const string SettingsFile = "appsettings.json";

    /// <summary>Returns the directory now used as content root.</summary>
    public static string Apply(IHostApplicationBuilder builder) => Apply(builder, AppContext.BaseDirectory);

    public static string Apply(IHostApplicationBuilder builder, string appDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var environment = builder.Environment;
        var current = environment.ContentRootPath;
        if (File.Exists(Path.Combine(current, SettingsFile))
            || !SamePath(current, Directory.GetCurrentDirectory())
            || !File.Exists(Path.Combine(appDirectory, SettingsFile))
            || SamePath(current, appDirectory))
        {
            return current;
        }

        var files = new PhysicalFileProvider(appDirectory);

        // The builder's environment and the instances already registered for the host (the web host
        // keeps its own), so IHostEnvironment.ContentRootPath tells the truth at run time too.
        var environments = builder.Services.Select(d => d.IsKeyedService ? null : d.ImplementationInstance)
            .OfType<IHostEnvironment>().Append(environment).Distinct();
        foreach (var env in environments)
        {
            env.ContentRootPath = appDirectory;
            env.ContentRootFileProvider = files;
        }

        var names = new[] { SettingsFile, $"appsettings.{environment.EnvironmentName}.json" };
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource json && json.Path is { } path && names.Contains(path, StringComparer.OrdinalIgnoreCase))
            {
                // Replacing the entry (not mutating it) makes the configuration manager reload it.
                sources[i] = new JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = json.ReloadOnChange,
                    FileProvider = files,
                };
            }
        }

        return appDirectory;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
