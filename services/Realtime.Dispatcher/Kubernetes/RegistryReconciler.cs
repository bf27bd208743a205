using Microsoft.Extensions.Options;
using Realtime.Core.Instances;
using Realtime.Dispatcher.Hosting;

namespace Realtime.Dispatcher.Kubernetes;

/// <summary>
/// Removes edges from the instance registry whose pod no longer exists (or is terminating), so
/// <c>ListEdges</c> and operators see a scaled-down edge disappear at once rather than after the
/// heartbeat TTL. Runs on the Lease holder only.
/// </summary>
internal sealed partial class RegistryReconciler(IInstanceRegistry registry, EdgePodView pods, IOptions<DispatcherOptions> options, ILogger<RegistryReconciler> logger)
{
    /// <summary>One pass; returns the server ids removed.</summary>
    public async Task<IReadOnlyList<string>> ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        if (!pods.Synced)
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var instance in await registry.ListAsync(TimeSpan.FromSeconds(options.Value.EdgeTtlSeconds), cancellationToken))
        {
            var pod = pods.Find(instance.ServerId);
            if (pod is null || pod.Terminating || pod.Phase is "Succeeded" or "Failed")
            {
                await registry.RemoveAsync(instance.ServerId, cancellationToken);
                removed.Add(instance.ServerId);
                Log.Removed(logger, instance.ServerId, pod is null ? "pod gone" : "pod terminating");
            }
        }

        return removed;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 810, Level = LogLevel.Information, Message = "Removed edge {ServerId} from the instance registry: {Reason}")]
        public static partial void Removed(ILogger logger, string serverId, string reason);
    }
}
