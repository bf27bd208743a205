namespace Realtime.Operator.Resources;

/// <summary>Presence tracking defaults.</summary>
internal sealed class PresenceSpec
{
    public bool Rooms { get; set; } = true;

    public bool Users { get; set; } = true;

    public int TtlSeconds { get; set; } = 60;
}
