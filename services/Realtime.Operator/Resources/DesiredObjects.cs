using k8s;
using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>Everything one <see cref="RealtimeCluster"/> should own, as typed models.</summary>
internal sealed record DesiredObjects(
    V1Deployment EdgeDeployment,
    V1Service EdgeService,
    V2HorizontalPodAutoscaler? EdgeAutoscaler,
    UnstructuredObject? EdgeScaledObject,
    V1PodDisruptionBudget EdgeDisruptionBudget,
    V1Deployment DispatcherDeployment,
    V1Service DispatcherService,
    V1PodDisruptionBudget? DispatcherDisruptionBudget,
    IReadOnlyList<V1NetworkPolicy> NetworkPolicies,
    V1Ingress? Ingress,
    UnstructuredObject? HttpRoute,
    UnstructuredObject? ServiceMonitor)
{
    /// <summary>In apply order (workloads after what they reference).</summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> All()
    {
        IKubernetesObject<V1ObjectMeta>?[] all =
        [
            EdgeService, DispatcherService, EdgeDeployment, DispatcherDeployment, EdgeAutoscaler, EdgeScaledObject,
            EdgeDisruptionBudget, DispatcherDisruptionBudget, .. NetworkPolicies, Ingress, HttpRoute, ServiceMonitor,
        ];
        return all.OfType<IKubernetesObject<V1ObjectMeta>>();
    }
}
