using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>Horizontal autoscaling of the edges (an HPA on CPU and, when set, connections per pod).</summary>
internal sealed class EdgeAutoscalingSpec
{
    public bool Enabled { get; set; } = true;

    public int MinReplicas { get; set; } = 2;

    public int MaxReplicas { get; set; } = 10;

    public int TargetCpuUtilization { get; set; } = 70;

    /// <summary>Average <c>realtime_edge_connections</c> per pod (needs a custom-metrics adapter); null: CPU only.</summary>
    public int? TargetConnectionsPerPod { get; set; }

    /// <summary>Scale with a KEDA ScaledObject (which takes over the HPA) instead of a plain HPA.</summary>
    public bool Keda { get; set; }

    /// <summary>HPA behavior; default scales down slowly (each removed pod moves its connections).</summary>
    public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
}
