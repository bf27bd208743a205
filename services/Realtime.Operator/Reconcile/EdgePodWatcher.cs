using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using Realtime.Core.Instances;
using Realtime.Operator.Hosting;

namespace Realtime.Operator.Reconcile;

/// <summary>
/// Watches the edge pods of every cluster in the namespace and removes a deleted pod's entry from
/// the instance registry at once (its pod name is its SERVER_ID), so a scaled-down edge leaves the
/// registry now rather than after the heartbeat TTL. Runs while this replica leads.
/// </summary>
internal sealed partial class EdgePodWatcher(
    IKubernetes client,
    IInstanceRegistry registry,
    OperatorMetrics metrics,
    IOptions<OperatorOptions> options,
    ILogger<EdgePodWatcher> logger)
{
    public const string Selector = "app.kubernetes.io/name=realtime,app.kubernetes.io/component=edge";

    public Task RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var informer = new Informer<V1Pod>(
            "edge pods",
            async ct =>
            {
                var list = await client.CoreV1.ListNamespacedPodAsync(o.Namespace, labelSelector: Selector, cancellationToken: ct);
                return new ListResult<V1Pod>([.. list.Items], list.Metadata.ResourceVersion);
            },
            (rv, onError, ct) => client.CoreV1.WatchListNamespacedPodAsync(
                o.Namespace, labelSelector: Selector, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: 300, onError: onError, cancellationToken: ct),
            OnEventAsync,
            TimeSpan.FromSeconds(o.MaxBackoffSeconds),
            logger);
        return informer.RunAsync(cancellationToken);
    }

    private async Task OnEventAsync(WatchEvent<V1Pod> e, CancellationToken cancellationToken)
    {
        if (e.Type != WatchEventType.Deleted)
        {
            return;
        }

        var serverId = e.Object.Metadata.Name;
        try
        {
            await registry.RemoveAsync(serverId, cancellationToken);
            metrics.RegistryEntryRemoved();
            Log.Removed(logger, serverId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The heartbeat TTL removes it eventually; the next re-list does not bring deleted pods back.
            Log.RemoveFailed(logger, serverId, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Edge pod {ServerId} deleted: removed from the instance registry")]
        public static partial void Removed(ILogger logger, string serverId);

        [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Edge pod {ServerId} deleted but its registry entry could not be removed (the heartbeat TTL will)")]
        public static partial void RemoveFailed(ILogger logger, string serverId, Exception exception);
    }
}
