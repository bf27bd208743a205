using k8s.Models;

namespace Realtime.Operator.Resources;

/// <summary>The gRPC/HTTP publish API.</summary>
internal sealed class DispatcherSpec
{
    public string? Image { get; set; }

    public int Replicas { get; set; } = 2;

    /// <summary>Secret key holding the comma-separated publisher API keys.</summary>
    public SecretKeyRef ApiKeysSecret { get; set; } = new() { Key = "api-keys" };

    public V1ResourceRequirements? Resources { get; set; }
}
