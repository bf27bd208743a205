using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>Names and labels of everything a <see cref="RealtimeCluster"/> owns, built in one place.</summary>
internal static class Names
{
    public const string ManagedBy = "realtime-operator";
    public const string Edge = "edge";
    public const string Dispatcher = "dispatcher";
    public const string ConfigHashAnnotation = "realtime.dev/config-hash";
    public const string ClusterLabel = "realtime.dev/cluster";
    public const string Finalizer = "realtime.dev/registry-cleanup";

    public static string Of(RealtimeCluster cluster, string component) => $"{cluster.Metadata.Name}-{component}";

    /// <summary>The immutable selector: identical across operator and chart versions, so no bump ever re-selects pods.</summary>
    public static Dictionary<string, string> Selector(RealtimeCluster cluster, string component) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = "realtime",
        ["app.kubernetes.io/instance"] = cluster.Metadata.Name,
        ["app.kubernetes.io/component"] = component,
    };

    /// <summary>Labels of the owned objects themselves (not of pod templates, which carry only <see cref="Selector"/>).</summary>
    public static Dictionary<string, string> ObjectLabels(RealtimeCluster cluster, string component)
    {
        var labels = Selector(cluster, component);
        labels["app.kubernetes.io/managed-by"] = ManagedBy;
        labels[ClusterLabel] = cluster.Metadata.Name;
        return labels;
    }

    /// <summary>The label selector string of a component's pods.</summary>
    public static string SelectorString(RealtimeCluster cluster, string component) =>
        string.Join(',', Selector(cluster, component).Select(kv => $"{kv.Key}={kv.Value}"));

    public static V1ObjectMeta Meta(RealtimeCluster cluster, string name, string component) => new()
    {
        Name = name,
        NamespaceProperty = cluster.Metadata.NamespaceProperty,
        Labels = ObjectLabels(cluster, component),
        OwnerReferences =
        [
            new V1OwnerReference
            {
                ApiVersion = RealtimeCluster.GroupVersion,
                Kind = RealtimeCluster.ResourceKind,
                Name = cluster.Metadata.Name,
                Uid = cluster.Metadata.Uid,
                Controller = true,
                BlockOwnerDeletion = true,
            },
        ],
    };

    public static string RedisPrefix(RealtimeCluster cluster) => cluster.Spec.Redis.Prefix ?? cluster.Metadata.Name;
}
