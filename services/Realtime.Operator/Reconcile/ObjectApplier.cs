using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Realtime.Operator.Resources;

namespace Realtime.Operator.Reconcile;

/// <summary>
/// Server-side apply (PATCH <c>application/apply-patch+yaml</c>) of desired objects under the
/// operator's own field manager, forcing ownership of the fields it sets; and deletion of the
/// optional objects a cluster no longer wants. Applying the same object twice changes nothing.
/// </summary>
internal sealed class ObjectApplier(IKubernetes client)
{
    public const string FieldManager = "realtime-operator";

    public async Task ApplyAsync(IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken)
    {
        var name = desired.Metadata.Name;
        var ns = desired.Metadata.NamespaceProperty;
        var patch = new V1Patch(desired, V1Patch.PatchType.ApplyPatch);
        _ = desired switch
        {
            V1Deployment => await client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken) as object,
            V1Service => await client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
            V2HorizontalPodAutoscaler => await client.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
            V1PodDisruptionBudget => await client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
            V1NetworkPolicy => await client.NetworkingV1.PatchNamespacedNetworkPolicyAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
            V1Ingress => await client.NetworkingV1.PatchNamespacedIngressAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
            UnstructuredObject u => await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                patch, Group(u.ApiVersion), Version(u.ApiVersion), ns, u.Plural, name, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken),
            _ => throw new NotSupportedException($"No apply for {desired.Kind}"),
        };
    }

    /// <summary>Deletes the optional objects of <paramref name="cluster"/> that <paramref name="desired"/> does not contain (404 is fine).</summary>
    public async Task PruneAsync(RealtimeCluster cluster, DesiredObjects desired, CancellationToken cancellationToken)
    {
        var ns = cluster.Metadata.NamespaceProperty;
        var edge = Names.Of(cluster, Names.Edge);
        if (desired.EdgeAutoscaler is null)
        {
            await IgnoreNotFound(() => client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(edge, ns, cancellationToken: cancellationToken));
        }

        if (desired.DispatcherDisruptionBudget is null)
        {
            await IgnoreNotFound(() => client.PolicyV1.DeleteNamespacedPodDisruptionBudgetAsync(Names.Of(cluster, Names.Dispatcher), ns, cancellationToken: cancellationToken));
        }

        if (desired.NetworkPolicies.Count == 0)
        {
            await IgnoreNotFound(() => client.NetworkingV1.DeleteNamespacedNetworkPolicyAsync(edge, ns, cancellationToken: cancellationToken));
            await IgnoreNotFound(() => client.NetworkingV1.DeleteNamespacedNetworkPolicyAsync(Names.Of(cluster, Names.Dispatcher), ns, cancellationToken: cancellationToken));
        }

        if (desired.Ingress is null)
        {
            await IgnoreNotFound(() => client.NetworkingV1.DeleteNamespacedIngressAsync(edge, ns, cancellationToken: cancellationToken));
        }

        if (desired.HttpRoute is null)
        {
            await IgnoreNotFound(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync("gateway.networking.k8s.io", "v1", ns, "httproutes", edge, cancellationToken: cancellationToken));
        }

        if (desired.EdgeScaledObject is null)
        {
            await IgnoreNotFound(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync("keda.sh", "v1alpha1", ns, "scaledobjects", edge, cancellationToken: cancellationToken));
        }

        if (desired.ServiceMonitor is null)
        {
            await IgnoreNotFound(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync("monitoring.coreos.com", "v1", ns, "servicemonitors", cluster.Metadata.Name, cancellationToken: cancellationToken));
        }
    }

    private static async Task IgnoreNotFound<TResult>(Func<Task<TResult>> delete)
    {
        try
        {
            await delete();
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone (or the kind is not installed).
        }
    }

    private static string Group(string apiVersion) => apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)];

    private static string Version(string apiVersion) => apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
}
