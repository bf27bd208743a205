namespace Realtime.Operator.Tests.ApiServer;

/// <summary>Collection paths in the <see cref="FakeApiServer"/> (namespace <c>apps</c>).</summary>
internal static class Collections
{
    public const string Clusters = "apis/realtime.dev/v1alpha1/apps/realtimeclusters";
    public const string Deployments = "apis/apps/v1/apps/deployments";
    public const string Services = "api/v1/apps/services";
    public const string Pods = "api/v1/apps/pods";
    public const string Autoscalers = "apis/autoscaling/v2/apps/horizontalpodautoscalers";
    public const string Budgets = "apis/policy/v1/apps/poddisruptionbudgets";
    public const string Leases = "apis/coordination.k8s.io/v1/apps/leases";
}
