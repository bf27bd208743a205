using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>What the operator observed, written through the status subresource.</summary>
internal sealed class RealtimeClusterStatus
{
    public long? ObservedGeneration { get; set; }

    public IList<V1Condition> Conditions { get; set; } = [];

    public int EdgesReady { get; set; }

    public int EdgesDesired { get; set; }

    public long Connections { get; set; }

    /// <summary>Fewest and most connections on one edge (from the instance registry).</summary>
    public int ConnectionsMinPerPod { get; set; }

    public int ConnectionsMaxPerPod { get; set; }

    public bool RedisReachable { get; set; }

    public string? Version { get; set; }
}
