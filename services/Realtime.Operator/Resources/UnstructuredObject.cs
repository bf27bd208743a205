using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>An object of a kind KubernetesClient has no model for (HTTPRoute, ServiceMonitor, ScaledObject).</summary>
internal sealed class UnstructuredObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JsonObject Spec { get; set; } = [];

    /// <summary>The plural resource name in the API path.</summary>
    [JsonIgnore]
    public string Plural { get; set; } = string.Empty;
}
