using Prometheus;

namespace Realtime.Operator.Hosting;

/// <summary>The operator's Prometheus metrics (<c>realtime_operator_*</c>).</summary>
internal sealed class OperatorMetrics(IMetricFactory factory)
{
    private readonly Counter _reconciles = factory.CreateCounter("realtime_operator_reconciles_total", "RealtimeCluster reconciliations that completed.");
    private readonly Counter _reconcileErrors = factory.CreateCounter("realtime_operator_reconcile_errors_total", "RealtimeCluster reconciliations that failed (and were retried).");
    private readonly Counter _registryRemovals = factory.CreateCounter("realtime_operator_registry_removals_total", "Edge registry entries removed because their pod was deleted.");
    private readonly Gauge _leader = factory.CreateGauge("realtime_operator_leader", "1 while this replica holds the Lease.");
    private readonly Counter _electionErrors = factory.CreateCounter("realtime_operator_election_errors_total", "Failed Lease reads or writes.");

    public void Reconciled() => _reconciles.Inc();

    public void ReconcileFailed() => _reconcileErrors.Inc();

    public void RegistryEntryRemoved() => _registryRemovals.Inc();

    public void Leading(bool leading) => _leader.Set(leading ? 1 : 0);

    public void ElectionFailed() => _electionErrors.Inc();
}
