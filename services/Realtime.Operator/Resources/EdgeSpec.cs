using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>The WebSocket edges.</summary>
internal sealed class EdgeSpec
{
    /// <summary>Full image reference; default: the operator's edge image at <see cref="RealtimeClusterSpec.Version"/>.</summary>
    public string? Image { get; set; }

    /// <summary>Fixed replica count when autoscaling is off (with autoscaling on the Deployment leaves replicas to the HPA).</summary>
    public int Replicas { get; set; } = 2;

    public EdgeAutoscalingSpec Autoscaling { get; set; } = new();

    /// <summary>Requests and limits; the memory limit bounds <see cref="MaxConnections"/> when that is not set.</summary>
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>Connections one edge accepts; default derived from the memory limit (see <see cref="EdgeCapacity"/>).</summary>
    public int? MaxConnections { get; set; }

    /// <summary>Measured memory per idle connection (bench/results), used to derive <see cref="MaxConnections"/>.</summary>
    public int BytesPerConnection { get; set; } = EdgeCapacity.DefaultBytesPerConnection;

    public int DrainSeconds { get; set; } = 20;

    public int PingIntervalSeconds { get; set; } = 25;

    /// <summary>Seconds the pod waits in preStop before draining (endpoints propagate meanwhile); 0 omits the hook.</summary>
    public int PreStopSleepSeconds { get; set; } = 5;

    public IList<string> AllowedOrigins { get; set; } = [];
}
