using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>Pod placement: spread over zones and hosts, node selection.</summary>
internal sealed class PlacementSpec
{
    public bool ZoneSpread { get; set; } = true;

    public bool HostSpread { get; set; } = true;

    public IDictionary<string, string>? NodeSelector { get; set; }

    public IList<V1Toleration>? Tolerations { get; set; }
}
