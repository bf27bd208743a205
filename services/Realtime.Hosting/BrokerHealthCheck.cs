using Microsoft.Extensions.Diagnostics.HealthChecks;
using Realtime.Core.Bus;

namespace Realtime.Hosting;

/// <summary>
/// Readiness of the broker. With Redis, each shard is checked (connecting lazily on the first
/// check) and reported in the readiness JSON as <c>"shard-0": "up"</c>; the process stays ready
/// while at least one shard is up, because a shard that is down is down for every instance alike
/// (taking this one out of rotation would not help its channels, and would hurt all the others),
/// and its channels answer UNAVAILABLE meanwhile. Not ready when every shard is down.
/// </summary>
public sealed class BrokerHealthCheck(IMessageBus bus, IServiceProvider services) : IHealthCheck
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService(typeof(IBrokerShards)) is not IBrokerShards shards)
        {
            return bus.IsConnected ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The broker is not connected.");
        }

        var checks = Enumerable.Range(0, shards.Count).Select(i => shards.IsConnected(i) ? Task.FromResult(true) : shards.TryConnectAsync(i, ConnectTimeout, cancellationToken));
        var up = await Task.WhenAll(checks);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < up.Length; i++)
        {
            data["shard-" + shards.NameOf(i)] = up[i] ? "up" : "down";
        }

        var down = up.Count(u => !u);
        return down == 0 ? HealthCheckResult.Healthy(data: data)
            : down < up.Length ? HealthCheckResult.Healthy($"{down} of {up.Length} Redis shards down: their channels answer UNAVAILABLE.", data)
            : HealthCheckResult.Unhealthy(up.Length == 1 ? "Redis is not reachable." : "No Redis shard is reachable.", data: data);
    }
}
