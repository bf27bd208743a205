namespace Realtime.Operator.Resources;

/// <summary>One key of a Secret in the cluster's namespace.</summary>
internal sealed class SecretKeyRef
{
    public string? Name { get; set; }

    public string Key { get; set; } = string.Empty;
}
