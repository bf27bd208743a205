namespace Realtime.Operator.Resources;

/// <summary>
/// What the platform team asks for. Every field has a default (the CRD schema carries the same
/// defaults, so the API server fills them in; the operator applies them again for objects
/// created before a default existed).
/// </summary>
internal sealed class RealtimeClusterSpec
{
    /// <summary>Image tag of the edge and the dispatcher when their image is not set (the operator's default otherwise).</summary>
    public string? Version { get; set; }

    public EdgeSpec Edge { get; set; } = new();

    public DispatcherSpec Dispatcher { get; set; } = new();

    public RedisSpec Redis { get; set; } = new();

    public AuthSpec Auth { get; set; } = new();

    public HistorySpec History { get; set; } = new();

    public PresenceSpec Presence { get; set; } = new();

    public EventsSpec Events { get; set; } = new();

    public ExposureSpec Exposure { get; set; } = new();

    public MetricsSpec Metrics { get; set; } = new();

    public NetworkPolicySpec NetworkPolicy { get; set; } = new();

    public PlacementSpec Placement { get; set; } = new();

    public UpgradeSpec Upgrade { get; set; } = new();
}
