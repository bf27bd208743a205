using Realtime.Operator.Election;
using Realtime.Operator.Reconcile;

namespace Realtime.Operator.Hosting;

/// <summary>Runs the controllers (RealtimeClusters, edge pods) while this replica holds the Lease.</summary>
internal sealed class OperatorWorker(LeaseElector elector, ClusterController clusters, EdgePodWatcher pods) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        elector.RunAsync(ct => Task.WhenAll(clusters.RunAsync(ct), pods.RunAsync(ct)), stoppingToken);
}
