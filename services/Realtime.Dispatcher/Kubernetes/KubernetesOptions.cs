using System.ComponentModel.DataAnnotations;

namespace Realtime.Dispatcher.Kubernetes;

/// <summary>
/// Kubernetes integration (section <c>Realtime:Dispatcher:Kubernetes</c>): the dispatcher watches
/// the edge pods (pods get/list/watch) and, holding a coordination.k8s.io Lease so that only one
/// dispatcher does it, removes edges whose pod is gone from the instance registry at once.
/// </summary>
internal sealed class KubernetesOptions : IValidatableObject
{
    public const string Section = "Realtime:Dispatcher:Kubernetes";

    public bool Enabled { get; set; }

    /// <summary>Namespace of the edge pods and the Lease (the chart sets it from the downward API).</summary>
    public string? Namespace { get; set; }

    /// <summary>Label selector of the edge pods, e.g. <c>app.kubernetes.io/component=edge,app.kubernetes.io/instance=rt</c>.</summary>
    public string? EdgeSelector { get; set; }

    /// <summary>Name of the Lease the dispatchers elect a leader with.</summary>
    public string LeaseName { get; set; } = "realtime-dispatcher";

    [Range(5, 600)]
    public int LeaseDurationSeconds { get; set; } = 15;

    /// <summary>How often the leader reconciles the instance registry with the edge pods.</summary>
    [Range(1, 3600)]
    public int ReconcileSeconds { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && (string.IsNullOrWhiteSpace(Namespace) || string.IsNullOrWhiteSpace(EdgeSelector)))
        {
            yield return new ValidationResult("Realtime:Dispatcher:Kubernetes:Namespace and :EdgeSelector are required when Kubernetes integration is enabled.");
        }
    }
}
