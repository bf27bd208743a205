using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using Realtime.Core.Instances;
using Realtime.Operator.Hosting;
using Realtime.Operator.Resources;

namespace Realtime.Operator.Reconcile;

/// <summary>
/// One idempotent pass over one <see cref="RealtimeCluster"/>: finalizer, server-side apply of
/// the desired objects, pruning of the optional ones no longer wanted, then status (through the
/// status subresource). A deleted cluster's registry entries are removed from Redis before its
/// finalizer is released.
/// </summary>
internal sealed partial class ClusterReconciler(
    IKubernetes client,
    ObjectApplier applier,
    IInstanceRegistry registry,
    OperatorMetrics metrics,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILogger<ClusterReconciler> logger)
{
    public async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        var o = options.Value;
        RealtimeCluster cluster;
        try
        {
            cluster = await client.CustomObjects.GetNamespacedCustomObjectAsync<RealtimeCluster>(
                RealtimeCluster.Group, RealtimeCluster.Version, o.Namespace, RealtimeCluster.Plural, name, cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        var finalizers = cluster.Metadata.Finalizers ?? [];
        if (cluster.Metadata.DeletionTimestamp is not null)
        {
            if (finalizers.Contains(Names.Finalizer))
            {
                var removed = await RemoveRegistryEntriesAsync(cluster, cancellationToken);
                Log.Finalized(logger, name, removed);
                await SetFinalizersAsync(cluster, [.. finalizers.Where(f => f != Names.Finalizer)], cancellationToken);
            }

            return;
        }

        if (!finalizers.Contains(Names.Finalizer))
        {
            // Carries the resourceVersion read above: a concurrent change answers 409 and the key is retried.
            cluster = await SetFinalizersAsync(cluster, [.. finalizers, Names.Finalizer], cancellationToken);
        }

        var desired = DesiredState.Build(cluster, new DefaultImages(o.EdgeImage, o.DispatcherImage, o.DefaultVersion));
        foreach (var item in desired.All())
        {
            await applier.ApplyAsync(item, cancellationToken);
        }

        await applier.PruneAsync(cluster, desired, cancellationToken);
        await WriteStatusAsync(cluster, desired, cancellationToken);
        metrics.Reconciled();
        Log.Reconciled(logger, name, cluster.Metadata.Generation ?? 0);
    }

    private async Task<RealtimeCluster> SetFinalizersAsync(RealtimeCluster cluster, List<string> finalizers, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(
            new { metadata = new { finalizers, resourceVersion = cluster.Metadata.ResourceVersion } },
            V1Patch.PatchType.MergePatch);
        return await client.CustomObjects.PatchNamespacedCustomObjectAsync<RealtimeCluster>(
            patch, RealtimeCluster.Group, RealtimeCluster.Version, cluster.Metadata.NamespaceProperty, RealtimeCluster.Plural, cluster.Metadata.Name,
            cancellationToken: cancellationToken);
    }

    /// <summary>Removes every registry entry of this cluster's edges (their SERVER_ID is their pod name, <c>{cluster}-edge-…</c>).</summary>
    private async Task<int> RemoveRegistryEntriesAsync(RealtimeCluster cluster, CancellationToken cancellationToken)
    {
        var prefix = Names.Of(cluster, Names.Edge) + "-";
        var removed = 0;
        foreach (var instance in await registry.ListAsync(TimeSpan.FromDays(1), cancellationToken))
        {
            if (instance.ServerId.StartsWith(prefix, StringComparison.Ordinal))
            {
                await registry.RemoveAsync(instance.ServerId, cancellationToken);
                removed++;
            }
        }

        return removed;
    }

    private async Task WriteStatusAsync(RealtimeCluster cluster, DesiredObjects desired, CancellationToken cancellationToken)
    {
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(desired.EdgeDeployment.Metadata.Name, cluster.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        var desiredEdges = deployment.Spec?.Replicas ?? desired.EdgeDeployment.Spec.Replicas ?? cluster.Spec.Edge.Autoscaling.MinReplicas;
        var readyEdges = deployment.Status?.ReadyReplicas ?? 0;
        var updated = deployment.Status?.UpdatedReplicas ?? 0;
        var rolloutDone = (deployment.Status?.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0) && updated >= desiredEdges;

        var status = new RealtimeClusterStatus
        {
            ObservedGeneration = cluster.Metadata.Generation,
            EdgesDesired = desiredEdges,
            EdgesReady = readyEdges,
            Version = cluster.Spec.Version ?? options.Value.DefaultVersion,
        };
        try
        {
            var prefix = Names.Of(cluster, Names.Edge) + "-";
            var edges = (await registry.ListAsync(TimeSpan.FromSeconds(options.Value.EdgeTtlSeconds), cancellationToken))
                .Where(i => i.ServerId.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            status.RedisReachable = true;
            status.Connections = edges.Sum(e => (long)e.Connections);
            status.ConnectionsMinPerPod = edges.Count == 0 ? 0 : edges.Min(e => e.Connections);
            status.ConnectionsMaxPerPod = edges.Count == 0 ? 0 : edges.Max(e => e.Connections);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RedisUnreachable(logger, cluster.Metadata.Name, ex.Message);
            status.RedisReachable = false;
        }

        var ready = readyEdges >= desiredEdges && desiredEdges > 0 && status.RedisReachable;
        var previous = cluster.Status?.Conditions ?? [];
        status.Conditions =
        [
            Condition(previous, "Ready", ready, ready ? "AllEdgesReady" : status.RedisReachable ? "EdgesNotReady" : "RedisUnreachable",
                $"{readyEdges}/{desiredEdges} edges ready", cluster.Metadata.Generation),
            Condition(previous, "Progressing", !rolloutDone, rolloutDone ? "RolloutComplete" : "RollingOut",
                $"{updated}/{desiredEdges} edges updated", cluster.Metadata.Generation),
            Condition(previous, "Degraded", !status.RedisReachable || readyEdges < desiredEdges && rolloutDone,
                !status.RedisReachable ? "RedisUnreachable" : readyEdges < desiredEdges && rolloutDone ? "EdgesUnavailable" : "AsExpected",
                status.RedisReachable ? "Redis reachable" : "Redis is not reachable from the operator", cluster.Metadata.Generation),
        ];

        var patch = new V1Patch(new { status }, V1Patch.PatchType.MergePatch);
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            patch, RealtimeCluster.Group, RealtimeCluster.Version, cluster.Metadata.NamespaceProperty, RealtimeCluster.Plural, cluster.Metadata.Name,
            cancellationToken: cancellationToken);
    }

    /// <summary>A condition that keeps its transition time while its status does not change.</summary>
    private V1Condition Condition(IList<V1Condition> previous, string type, bool isTrue, string reason, string message, long? generation)
    {
        var value = isTrue ? "True" : "False";
        var old = previous.FirstOrDefault(c => c.Type == type);
        return new V1Condition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = old?.Status == value ? old.LastTransitionTime : time.GetUtcNow().UtcDateTime,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Reconciled RealtimeCluster {Name} (generation {Generation})")]
        public static partial void Reconciled(ILogger logger, string name, long generation);

        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "RealtimeCluster {Name} deleted: removed {Count} edges from the instance registry, finalizer released")]
        public static partial void Finalized(ILogger logger, string name, int count);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "RealtimeCluster {Name}: Redis not reachable for status ({Reason})")]
        public static partial void RedisUnreachable(ILogger logger, string name, string reason);
    }
}
