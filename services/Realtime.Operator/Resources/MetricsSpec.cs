namespace Realtime.Operator.Resources;

/// <summary>Prometheus Operator scraping.</summary>
internal sealed class MetricsSpec
{
    public bool ServiceMonitor { get; set; }

    public string Interval { get; set; } = "30s";
}
