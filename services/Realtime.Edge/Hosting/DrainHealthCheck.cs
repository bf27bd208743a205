using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.Edge.Hosting;

/// <summary>Not ready from the moment draining starts (Degraded: readiness answers 503, and a planned drain is not logged as an error).</summary>
internal sealed class DrainHealthCheck(DrainState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDraining ? HealthCheckResult.Degraded("draining") : HealthCheckResult.Healthy());
}
