using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>
/// The edge's connection cap derived from its memory limit, so a pod refuses connections (503,
/// the client tries another edge) before the kernel kills it: (limit − runtime baseline) ×
/// (1 − headroom) ÷ measured bytes per connection.
/// </summary>
internal static class EdgeCapacity
{
    /// <summary>About 31 KiB RSS per idle connection measured in bench/results (Kestrel + .NET); rounded up.</summary>
    public const int DefaultBytesPerConnection = 32 * 1024;

    /// <summary>The process without connections (runtime, JIT, pools).</summary>
    public const long BaselineBytes = 160L * 1024 * 1024;

    /// <summary>Share kept free for send queues and bursts.</summary>
    public const double Headroom = 0.25;

    /// <summary>The edge's own default when nothing bounds it.</summary>
    public const int Unbounded = 50_000;

    public static int MaxConnections(EdgeSpec edge)
    {
        if (edge.MaxConnections is { } set)
        {
            return set;
        }

        if (edge.Resources?.Limits is not { } limits || !limits.TryGetValue("memory", out var memory))
        {
            return Unbounded;
        }

        var usable = (memory.ToInt64() - BaselineBytes) * (1 - Headroom);
        return (int)Math.Clamp(usable / Math.Max(1024, edge.BytesPerConnection), 100, 1_000_000);
    }
}
