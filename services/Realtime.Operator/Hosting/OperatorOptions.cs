using System.ComponentModel.DataAnnotations;

namespace Realtime.Operator.Hosting;

/// <summary>Operator settings (section <c>Realtime:Operator</c>).</summary>
internal sealed class OperatorOptions
{
    public const string Section = "Realtime:Operator";

    /// <summary>Namespace whose RealtimeClusters and pods are watched, and where the Lease lives (the chart sets it from the downward API).</summary>
    [Required]
    public string Namespace { get; set; } = "default";

    /// <summary>API server URL; empty: in-cluster configuration (service account), else the kubeconfig.</summary>
    public string? ApiServerUrl { get; set; }

    /// <summary>Name of the coordination.k8s.io Lease the operator replicas elect a leader with.</summary>
    [Required]
    public string LeaseName { get; set; } = "realtime-operator";

    /// <summary>Identity written into the Lease (the pod name in the chart).</summary>
    public string Identity { get; set; } = Environment.MachineName;

    [Range(2, 600)]
    public int LeaseDurationSeconds { get; set; } = 15;

    /// <summary>How often the leader renews (and a follower retries) the Lease.</summary>
    [Range(1, 300)]
    public int RenewSeconds { get; set; } = 5;

    /// <summary>Every cluster is reconciled at least this often, even without a change.</summary>
    [Range(5, 86400)]
    public int ResyncSeconds { get; set; } = 60;

    /// <summary>Upper bound of the retry backoff (work queue and watches).</summary>
    [Range(1, 3600)]
    public int MaxBackoffSeconds { get; set; } = 60;

    /// <summary>Edge image repository used when a cluster names no image.</summary>
    [Required]
    public string EdgeImage { get; set; } = "ghcr.io/realtime/edge";

    [Required]
    public string DispatcherImage { get; set; } = "ghcr.io/realtime/dispatcher";

    /// <summary>Image tag used when a cluster sets no <c>spec.version</c> (the chart sets its appVersion).</summary>
    [Required]
    public string DefaultVersion { get; set; } = "latest";

    /// <summary>Registry entries older than this are not counted in status (the edges' heartbeat TTL).</summary>
    [Range(1, 3600)]
    public int EdgeTtlSeconds { get; set; } = 30;
}
