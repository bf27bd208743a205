using Microsoft.Extensions.Diagnostics.HealthChecks;
using Realtime.Core.Bus;
using Realtime.Redis;

namespace Realtime.Hosting;

/// <summary>Ready only while the broker is connected (connecting lazily on the first check).</summary>
public sealed class BrokerHealthCheck(IMessageBus bus, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService(typeof(RedisConnection)) is RedisConnection redis && !redis.IsConnected)
        {
            try
            {
                await redis.GetAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("Redis is not reachable.", ex);
            }
        }

        return bus.IsConnected ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The broker is not connected.");
    }
}
