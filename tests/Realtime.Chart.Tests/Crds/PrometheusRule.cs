using k8s;
using k8s.Models;

namespace Realtime.Chart.Tests.Crds;

/// <summary>The part of the Prometheus Operator's monitoring.coreos.com/v1 PrometheusRule the chart renders.</summary>
public sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public const string TypeKey = "monitoring.coreos.com/v1/PrometheusRule";

    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public PrometheusRuleSpec Spec { get; set; } = new();
}

public sealed class PrometheusRuleSpec
{
    public List<PrometheusRuleGroup> Groups { get; set; } = [];
}

public sealed class PrometheusRuleGroup
{
    public string Name { get; set; } = "";
    public List<PrometheusAlert> Rules { get; set; } = [];
}

public sealed class PrometheusAlert
{
    public string Alert { get; set; } = "";
    public string Expr { get; set; } = "";
    public string? For { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public Dictionary<string, string> Annotations { get; set; } = [];
}
