using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>A list response of <see cref="RealtimeCluster"/>s.</summary>
internal sealed class RealtimeClusterList : IKubernetesObject<V1ListMeta>, IItems<RealtimeCluster>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = RealtimeCluster.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = RealtimeCluster.ResourceKind + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<RealtimeCluster> Items { get; set; } = [];
}
