using k8s;
using k8s.Models;

namespace Realtime.Chart.Tests.Crds;

/// <summary>The part of KEDA's keda.sh/v1alpha1 ScaledObject the chart renders; strict loading rejects anything else.</summary>
public sealed class ScaledObject : IKubernetesObject<V1ObjectMeta>
{
    public const string TypeKey = "keda.sh/v1alpha1/ScaledObject";

    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public ScaledObjectSpec Spec { get; set; } = new();
}

public sealed class ScaledObjectSpec
{
    public CrossVersionReference ScaleTargetRef { get; set; } = new();
    public int? MinReplicaCount { get; set; }
    public int? MaxReplicaCount { get; set; }
    public int? PollingInterval { get; set; }
    public int? CooldownPeriod { get; set; }
    public ScaledObjectAdvanced? Advanced { get; set; }
    public List<ScaledObjectTrigger> Triggers { get; set; } = [];
}

public sealed class CrossVersionReference
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public string Name { get; set; } = "";
}

public sealed class ScaledObjectAdvanced
{
    public HorizontalPodAutoscalerConfig? HorizontalPodAutoscalerConfig { get; set; }
}

public sealed class HorizontalPodAutoscalerConfig
{
    public string? Name { get; set; }
    public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
}

public sealed class ScaledObjectTrigger
{
    public string Type { get; set; } = "";
    public string? MetricType { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
}
