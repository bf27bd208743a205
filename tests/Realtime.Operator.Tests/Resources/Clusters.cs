using k8s.Models;
using Realtime.Operator.Resources;

namespace Realtime.Operator.Tests.Resources;

/// <summary>Example resources for the tests.</summary>
internal static class Clusters
{
    public static readonly DefaultImages Images = new("registry.test/edge", "registry.test/dispatcher", "1.0.0");

    public static RealtimeCluster Make(string name = "rt", Action<RealtimeClusterSpec>? configure = null)
    {
        var cluster = new RealtimeCluster
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps", Uid = "uid-" + name, Generation = 1 },
        };
        cluster.Spec.Redis.UrlSecret.Name = "redis";
        cluster.Spec.Dispatcher.ApiKeysSecret.Name = "api-keys-v1";
        cluster.Spec.Auth.HmacSecret = new SecretKeyRef { Name = "auth", Key = "hmac" };
        configure?.Invoke(cluster.Spec);
        return cluster;
    }

    public static DesiredObjects Build(Action<RealtimeClusterSpec>? configure = null, string name = "rt") =>
        DesiredState.Build(Make(name, configure), Images);
}
