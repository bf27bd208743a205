using k8s;
using k8s.Models;

namespace Realtime.Chart.Tests.Crds;

/// <summary>The part of the Prometheus Operator's monitoring.coreos.com/v1 ServiceMonitor the chart renders.</summary>
public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public const string TypeKey = "monitoring.coreos.com/v1/ServiceMonitor";

    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public ServiceMonitorSpec Spec { get; set; } = new();
}

public sealed class ServiceMonitorSpec
{
    public string? JobLabel { get; set; }
    public V1LabelSelector Selector { get; set; } = new();
    public NamespaceSelector? NamespaceSelector { get; set; }
    public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

public sealed class NamespaceSelector
{
    public bool? Any { get; set; }
    public List<string> MatchNames { get; set; } = [];
}

public sealed class ServiceMonitorEndpoint
{
    public string? Port { get; set; }
    public string? Path { get; set; }
    public string? Interval { get; set; }
    public string? ScrapeTimeout { get; set; }
}
