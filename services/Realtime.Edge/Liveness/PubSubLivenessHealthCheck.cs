using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Realtime.Edge.Liveness;

/// <summary>Not ready once one Redis shard missed <see cref="PubSubLivenessOptions.MissesBeforeUnready"/> probes in a row.</summary>
internal sealed class PubSubLivenessHealthCheck(PubSubLivenessService liveness, IOptions<PubSubLivenessOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (shard, misses) = liveness.Worst();
        return Task.FromResult(misses >= options.Value.MissesBeforeUnready
            ? HealthCheckResult.Unhealthy($"pub/sub probes on Redis shard {shard} missed {misses} times in a row")
            : HealthCheckResult.Healthy());
    }
}
