namespace Realtime.Operator.Resources;

/// <summary>How the edges roll: surge new pods first, never take one away before its replacement is ready.</summary>
internal sealed class UpgradeSpec
{
    /// <summary><c>RollingUpdate</c> (the only strategy today; blue-green with paced evacuation is planned).</summary>
    public string Strategy { get; set; } = "RollingUpdate";

    public string MaxSurge { get; set; } = "25%";
}
