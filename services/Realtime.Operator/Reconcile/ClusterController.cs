using System.Runtime.CompilerServices;
using k8s;
using Microsoft.Extensions.Options;
using Realtime.Operator.Hosting;
using Realtime.Operator.Resources;

namespace Realtime.Operator.Reconcile;

/// <summary>
/// Watches RealtimeClusters into a <see cref="WorkQueue"/> and reconciles one key at a time; a
/// failed key is retried with backoff (a 409 conflict included), every key is resynced
/// periodically. Runs while this replica leads.
/// </summary>
internal sealed partial class ClusterController(
    IKubernetes client,
    ClusterReconciler reconciler,
    OperatorMetrics metrics,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILogger<ClusterController> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var queue = new WorkQueue(time, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(o.MaxBackoffSeconds));
        var informer = new Informer<RealtimeCluster>(
            "realtimeclusters",
            async ct =>
            {
                var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<RealtimeClusterList>(
                    RealtimeCluster.Group, RealtimeCluster.Version, o.Namespace, RealtimeCluster.Plural, cancellationToken: ct);
                return new ListResult<RealtimeCluster>([.. list.Items], list.Metadata.ResourceVersion);
            },
            (rv, onError, ct) => WatchAsync(o.Namespace, rv, onError, ct),
            (e, _) =>
            {
                queue.Add(e.Object.Metadata.Name);
                return Task.CompletedTask;
            },
            TimeSpan.FromSeconds(o.MaxBackoffSeconds),
            logger);

        await Task.WhenAll(informer.RunAsync(cancellationToken), WorkAsync(queue, cancellationToken));
    }

    private async IAsyncEnumerable<(WatchEventType, RealtimeCluster)> WatchAsync(
        string ns, string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = client.CustomObjects.WatchListNamespacedCustomObjectAsync(
            RealtimeCluster.Group, RealtimeCluster.Version, ns, RealtimeCluster.Plural,
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: 300, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, item) in events)
        {
            // Custom objects arrive untyped: read them as the resource type.
            yield return (type, KubernetesJson.Deserialize<RealtimeCluster>(KubernetesJson.Serialize(item)));
        }
    }

    private async Task WorkAsync(WorkQueue queue, CancellationToken cancellationToken)
    {
        var resync = TimeSpan.FromSeconds(options.Value.ResyncSeconds);
        while (!cancellationToken.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await queue.TakeAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await reconciler.ReconcileAsync(key, cancellationToken);
                queue.Forget(key);
                queue.AddAfter(key, resync, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                metrics.ReconcileFailed();
                var delay = queue.AddRateLimited(key, cancellationToken);
                Log.Failed(logger, key, delay.TotalSeconds, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Reconciling RealtimeCluster {Name} failed; retrying in {Seconds} s")]
        public static partial void Failed(ILogger logger, string name, double seconds, Exception exception);
    }
}
