namespace Realtime.Operator.Resources;

/// <summary>NetworkPolicies for the edges and the dispatcher (ingress and egress: DNS and Redis only).</summary>
internal sealed class NetworkPolicySpec
{
    public bool Enabled { get; set; }

    /// <summary>Namespace labels allowed to reach the edges (the ingress controller's); empty: any source.</summary>
    public IDictionary<string, string> EdgeIngressNamespaceLabels { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Where Redis is (CIDR); null allows the Redis port to any address.</summary>
    public string? RedisCidr { get; set; }
}
