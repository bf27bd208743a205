namespace Realtime.Operator.Resources;

/// <summary>The images used when a <see cref="RealtimeCluster"/> names none: repository plus the spec's version (or the operator's).</summary>
internal sealed record DefaultImages(string EdgeRepository, string DispatcherRepository, string DefaultVersion)
{
    public string Edge(string? version) => $"{EdgeRepository}:{version ?? DefaultVersion}";

    public string Dispatcher(string? version) => $"{DispatcherRepository}:{version ?? DefaultVersion}";
}
