using Prometheus;
using Realtime.Core.Bus;

namespace Realtime.Hosting;

/// <summary><c>realtime_broker_shard_up{shard}</c>: 1 while a Redis shard's connection is up, sampled at each scrape.</summary>
public sealed class BrokerMetrics
{
    public BrokerMetrics(CollectorRegistry registry, IMetricFactory metrics, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(metrics);
        if (services?.GetService(typeof(IBrokerShards)) is not IBrokerShards shards)
        {
            return;
        }

        var up = metrics.CreateGauge("realtime_broker_shard_up", "1 while the connection to this Redis shard is up, 0 while it is down.", ["shard"]);
        registry.AddBeforeCollectCallback(() =>
        {
            for (var i = 0; i < shards.Count; i++)
            {
                up.WithLabels(shards.NameOf(i)).Set(shards.IsConnected(i) ? 1 : 0);
            }
        });
    }
}
