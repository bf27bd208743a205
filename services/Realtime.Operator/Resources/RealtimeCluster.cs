using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>The <c>RealtimeCluster</c> custom resource (<c>realtime.dev/v1alpha1</c>, namespaced): one whole Realtime set.</summary>
internal sealed class RealtimeCluster : IKubernetesObject<V1ObjectMeta>, ISpec<RealtimeClusterSpec>, IStatus<RealtimeClusterStatus?>
{
    public const string Group = "realtime.dev";
    public const string Version = "v1alpha1";
    public const string ResourceKind = "RealtimeCluster";
    public const string Plural = "realtimeclusters";
    public const string GroupVersion = Group + "/" + Version;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = ResourceKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public RealtimeClusterSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public RealtimeClusterStatus? Status { get; set; }
}
