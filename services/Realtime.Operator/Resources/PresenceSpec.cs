namespace Realtime.Operator.Resources;

/// <summary>Presence tracking defaults.</summary>
internal sealed class PresenceSpec
{
    public bool Rooms { get; set; } = true;

    public bool Users { get; set; } = true;

    public int TtlSeconds { get; set; } = 60;

    /// <summary>Namespaces (<c>room</c>) or channel globs whose members receive join/leave frames.</summary>
    public List<string> NotifyNamespaces { get; set; } = [];
}
