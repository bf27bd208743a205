using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Realtime.Operator.Resources;
using Realtime.Operator.Tests.ApiServer;
using Realtime.TestKit;

namespace Realtime.Operator.Tests.Reconcile;

/// <summary>The operator's real code against the API server double and a real Redis.</summary>
public sealed class ReconcileScenarioTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private FakeApiServer _api = null!;
    private OperatorHost _operator = null!;

    public async Task InitializeAsync()
    {
        var redis = await RedisServer.GetAsync();
        _api = await FakeApiServer.StartAsync();
        _operator = await OperatorHost.StartAsync(_api, redis.Url, "op" + Guid.NewGuid().ToString("N")[..8]);
        await Eventually.TrueAsync(() => _operator.Elector.IsLeader, Timeout, "the only replica leads");
    }

    public async Task DisposeAsync()
    {
        await _operator.DisposeAsync();
        await _api.DisposeAsync();
        Assert.Empty(_operator.Logs.Errors);
    }

    [Fact]
    public async Task CreateCluster_ObjectsAndStatusAppear()
    {
        await CreateClusterAsync("rt");

        // Status is written after every object is applied.
        await Eventually.TrueAsync(() => Status("rt")?["observedGeneration"]?.GetValue<long>() == 1, Timeout, "status written");
        Assert.NotNull(_api.Get(Collections.Deployments, "rt-edge"));
        Assert.NotNull(_api.Get(Collections.Deployments, "rt-dispatcher"));
        Assert.NotNull(_api.Get(Collections.Services, "rt-edge"));
        Assert.NotNull(_api.Get(Collections.Services, "rt-dispatcher"));
        Assert.NotNull(_api.Get(Collections.Autoscalers, "rt-edge"));
        Assert.NotNull(_api.Get(Collections.Budgets, "rt-edge"));
        var edge = Load<V1Deployment>(_api.Get(Collections.Deployments, "rt-edge")!);
        Assert.Null(edge.Spec.Replicas);
        Assert.Equal("rt", edge.Metadata.OwnerReferences.Single().Name);
        Assert.Contains(_api.Requests, r => r.StartsWith("PATCH /apis/apps/v1/namespaces/apps/deployments/rt-edge", StringComparison.Ordinal));
        var cluster = Load<RealtimeCluster>(_api.Get(Collections.Clusters, "rt")!);
        Assert.Contains(Names.Finalizer, cluster.Metadata.Finalizers);
        Assert.True(cluster.Status!.RedisReachable);
        Assert.Equal(["Ready", "Progressing", "Degraded"], cluster.Status.Conditions.Select(c => c.Type));
        Assert.Equal("EdgesNotReady", cluster.Status.Conditions[0].Reason);
        Assert.Equal(2, cluster.Status.EdgesDesired);

        // The deployment controller (simulated) reports two ready edges: the next resync says Ready.
        var deployment = _api.Get(Collections.Deployments, "rt-edge")!;
        deployment["status"] = new JsonObject { ["observedGeneration"] = 1, ["replicas"] = 2, ["readyReplicas"] = 2, ["updatedReplicas"] = 2 };
        _api.Put(Collections.Deployments, deployment);
        await Eventually.TrueAsync(() => Status("rt")?["conditions"]?[0]?["status"]?.GetValue<string>() == "True", Timeout, "Ready after resync");
        Assert.Equal(2, Status("rt")!["edgesReady"]!.GetValue<int>());
    }

    [Fact]
    public async Task EditCluster_ApiKeyRotation_UpdatesDispatcherWithoutRestartingEdges()
    {
        await CreateClusterAsync("rt");
        await Eventually.TrueAsync(() => Status("rt")?["observedGeneration"]?.GetValue<long>() == 1, Timeout);
        var edgeBefore = _api.Get(Collections.Deployments, "rt-edge")!;

        var patch = new V1Patch(new { spec = new { dispatcher = new { apiKeysSecret = new { name = "api-keys-v2", key = "api-keys" } } } }, V1Patch.PatchType.MergePatch);
        await _operator.Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, RealtimeCluster.Group, RealtimeCluster.Version, OperatorHost.Namespace, RealtimeCluster.Plural, "rt");

        await Eventually.TrueAsync(
            () => Load<V1Deployment>(_api.Get(Collections.Deployments, "rt-dispatcher")!).Spec.Template.Spec.Containers[0].Env.Any(e => e.ValueFrom?.SecretKeyRef?.Name == "api-keys-v2"),
            Timeout,
            "dispatcher reads the new key Secret");
        await Eventually.TrueAsync(() => Status("rt")?["observedGeneration"]?.GetValue<long>() == 2, Timeout);
        var edgeAfter = _api.Get(Collections.Deployments, "rt-edge")!;
        Assert.Equal(edgeBefore["metadata"]!["generation"]!.GetValue<long>(), edgeAfter["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(
            edgeBefore["spec"]!["template"]!["metadata"]!["annotations"]![Names.ConfigHashAnnotation]!.GetValue<string>(),
            edgeAfter["spec"]!["template"]!["metadata"]!["annotations"]![Names.ConfigHashAnnotation]!.GetValue<string>());

        // What the edges consume does roll them.
        var auth = new V1Patch(new { spec = new { auth = new { hmacSecret = new { name = "auth-v2", key = "hmac" } } } }, V1Patch.PatchType.MergePatch);
        await _operator.Client.CustomObjects.PatchNamespacedCustomObjectAsync(auth, RealtimeCluster.Group, RealtimeCluster.Version, OperatorHost.Namespace, RealtimeCluster.Plural, "rt");
        await Eventually.TrueAsync(
            () => _api.Get(Collections.Deployments, "rt-edge")!["metadata"]!["generation"]!.GetValue<long>() > edgeBefore["metadata"]!["generation"]!.GetValue<long>(),
            Timeout,
            "edges roll for an auth change");
    }

    [Fact]
    public async Task DeleteEdgePod_RemovesItsRegistryEntryFromRedis()
    {
        await _operator.Registry.HeartbeatAsync("rt-edge-abc-1", 10);
        await _operator.Registry.HeartbeatAsync("rt-edge-abc-2", 20);
        _api.Put(Collections.Pods, Pod("rt-edge-abc-1"));
        _api.Put(Collections.Pods, Pod("rt-edge-abc-2"));
        await Task.Delay(200); // let the watch see the pods (not required for correctness: a re-list reports the delete too)

        Assert.True(_api.Delete(Collections.Pods, "rt-edge-abc-1"));

        await Eventually.TrueAsync(
            async () => (await _operator.Registry.ListAsync(TimeSpan.FromMinutes(1))).All(i => i.ServerId != "rt-edge-abc-1"),
            Timeout,
            "the deleted pod's entry is gone from Redis");
        Assert.Contains(await _operator.Registry.ListAsync(TimeSpan.FromMinutes(1)), i => i.ServerId == "rt-edge-abc-2");
    }

    [Fact]
    public async Task DeleteCluster_FinalizerRemovesItsRegistryEntries()
    {
        await CreateClusterAsync("gone");
        await Eventually.TrueAsync(() => Status("gone")?["observedGeneration"] is not null, Timeout);
        await _operator.Registry.HeartbeatAsync("gone-edge-x-1", 1);
        await _operator.Registry.HeartbeatAsync("other-edge-x-1", 1);

        await _operator.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(RealtimeCluster.Group, RealtimeCluster.Version, OperatorHost.Namespace, RealtimeCluster.Plural, "gone");

        await Eventually.TrueAsync(() => _api.Get(Collections.Clusters, "gone") is null, Timeout, "finalizer released");
        var left = await _operator.Registry.ListAsync(TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(left, i => i.ServerId == "gone-edge-x-1");
        Assert.Contains(left, i => i.ServerId == "other-edge-x-1");
    }

    [Fact]
    public async Task WatchHistoryCompacted_410Gone_ReListsAndKeepsReconciling()
    {
        await CreateClusterAsync("first");
        await Eventually.TrueAsync(() => _api.Get(Collections.Deployments, "first-edge") is not null, Timeout);

        _api.Compact();
        await CreateClusterAsync("second");

        await Eventually.TrueAsync(() => _api.Get(Collections.Deployments, "second-edge") is not null, Timeout, "re-listed after 410");
        Assert.True(_api.Requests.Count(r => r == "GET /apis/realtime.dev/v1alpha1/namespaces/apps/realtimeclusters") >= 2);
    }

    [Fact]
    public async Task Conflict409_IsRetriedWithBackoff_UntilTheClusterIsReconciled()
    {
        _api.ConflictNextClusterPatches = 3; // the finalizer patch meets three concurrent writers

        await CreateClusterAsync("busy");

        await Eventually.TrueAsync(() => Status("busy")?["observedGeneration"]?.GetValue<long>() == 1, Timeout, "reconciled after the conflicts");
        Assert.Equal(0, _api.ConflictNextClusterPatches);
        Assert.Equal(3, _operator.Logs.Warnings.Count(w => w.Contains("Reconciling RealtimeCluster busy failed", StringComparison.Ordinal)));
    }

    private async Task CreateClusterAsync(string name)
    {
        var cluster = new RealtimeCluster { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = OperatorHost.Namespace } };
        cluster.Spec.Redis.UrlSecret.Name = "redis";
        cluster.Spec.Dispatcher.ApiKeysSecret.Name = "api-keys-v1";
        await _operator.Client.CustomObjects.CreateNamespacedCustomObjectAsync(cluster, RealtimeCluster.Group, RealtimeCluster.Version, OperatorHost.Namespace, RealtimeCluster.Plural);
    }

    private JsonNode? Status(string name) => _api.Get(Collections.Clusters, name)?["status"];

    private static T Load<T>(JsonObject json) => KubernetesJson.Deserialize<T>(json.ToJsonString());

    private static JsonObject Pod(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = OperatorHost.Namespace,
            ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "realtime", ["app.kubernetes.io/component"] = "edge", ["app.kubernetes.io/instance"] = "rt" },
        },
    };
}
