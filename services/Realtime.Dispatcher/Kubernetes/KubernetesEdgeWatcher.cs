using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;
using Microsoft.Extensions.Options;
using Realtime.Core.Options;

namespace Realtime.Dispatcher.Kubernetes;

/// <summary>
/// In-cluster only (<c>Realtime:Dispatcher:Kubernetes:Enabled=true</c>): lists and watches the
/// edge pods into <see cref="EdgePodView"/> and runs the Lease-based leader election under which
/// <see cref="RegistryReconciler"/> runs. Uses exactly: pods get/list/watch and leases
/// get/create/update in its namespace.
/// </summary>
internal sealed partial class KubernetesEdgeWatcher(
    EdgePodView view,
    RegistryReconciler reconciler,
    IOptions<KubernetesOptions> options,
    IOptions<RealtimeOptions> realtime,
    ILogger<KubernetesEdgeWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        if (!KubernetesClientConfiguration.IsInCluster())
        {
            Log.NotInCluster(logger);
            return;
        }

        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.InClusterConfig());
        Log.Starting(logger, o.Namespace!, o.EdgeSelector!, o.LeaseName);
        await Task.WhenAll(WatchPodsAsync(client, o, stoppingToken), LeadAsync(client, o, stoppingToken));
    }

    private async Task WatchPodsAsync(k8s.Kubernetes client, KubernetesOptions o, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var list = await client.CoreV1.ListNamespacedPodAsync(o.Namespace, labelSelector: o.EdgeSelector, cancellationToken: stoppingToken);
                view.Replace(list.Items.Select(ToEdgePod));
                Log.Listed(logger, list.Items.Count);
                var events = client.CoreV1.WatchListNamespacedPodAsync(
                    o.Namespace, labelSelector: o.EdgeSelector, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: stoppingToken);
                await foreach (var (type, pod) in events)
                {
                    if (type == WatchEventType.Deleted)
                    {
                        view.Remove(pod.Metadata.Name);
                    }
                    else if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        view.Upsert(ToEdgePod(pod));
                    }
                }

                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                view.Unsync();
                Log.WatchFailed(logger, delay.TotalSeconds, ex);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    private async Task LeadAsync(k8s.Kubernetes client, KubernetesOptions o, CancellationToken stoppingToken)
    {
        var duration = TimeSpan.FromSeconds(o.LeaseDurationSeconds);
        var leaseLock = new LeaseLock(client, o.Namespace, o.LeaseName, realtime.Value.ServerId);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = duration,
            RenewDeadline = duration * 2 / 3,
            RetryPeriod = duration / 5,
        });
        CancellationTokenSource? leading = null;
        elector.OnStartedLeading += () =>
        {
            Log.Leading(logger, o.LeaseName);
            leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _ = ReconcileWhileLeadingAsync(TimeSpan.FromSeconds(o.ReconcileSeconds), leading.Token);
        };
        elector.OnStoppedLeading += () =>
        {
            Log.StoppedLeading(logger, o.LeaseName);
            leading?.Cancel();
        };

        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            leading?.Cancel();
            leading?.Dispose();
        }
    }

    private async Task ReconcileWhileLeadingAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            do
            {
                try
                {
                    await reconciler.ReconcileOnceAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.ReconcileFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Leadership lost or shutting down.
        }
    }

    private static EdgePod ToEdgePod(V1Pod pod) => new(
        pod.Metadata.Name,
        pod.Status?.Phase ?? "Unknown",
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
        pod.Metadata.DeletionTimestamp is not null);

    private static partial class Log
    {
        [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "Kubernetes integration is enabled but this process is not running in a cluster; edge pod watch and Lease are off")]
        public static partial void NotInCluster(ILogger logger);

        [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Watching edge pods in {Namespace} ({Selector}); electing a leader with Lease {Lease}")]
        public static partial void Starting(ILogger logger, string @namespace, string selector, string lease);

        [LoggerMessage(EventId = 802, Level = LogLevel.Information, Message = "Listed {Count} edge pods; watching for changes")]
        public static partial void Listed(ILogger logger, int count);

        [LoggerMessage(EventId = 803, Level = LogLevel.Warning, Message = "Edge pod watch failed; retrying in {Seconds} s")]
        public static partial void WatchFailed(ILogger logger, double seconds, Exception exception);

        [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "This dispatcher now holds Lease {Lease} and reconciles the instance registry")]
        public static partial void Leading(ILogger logger, string lease);

        [LoggerMessage(EventId = 805, Level = LogLevel.Information, Message = "This dispatcher no longer holds Lease {Lease}")]
        public static partial void StoppedLeading(ILogger logger, string lease);

        [LoggerMessage(EventId = 806, Level = LogLevel.Warning, Message = "Instance registry reconciliation failed")]
        public static partial void ReconcileFailed(ILogger logger, Exception exception);
    }
}
