using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Realtime.Edge.Hosting;

/// <summary>Not ready from the moment draining starts.</summary>
public sealed class DrainHealthCheck(DrainState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDraining ? HealthCheckResult.Unhealthy("draining") : HealthCheckResult.Healthy());
}
