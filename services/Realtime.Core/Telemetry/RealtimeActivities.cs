using System.Diagnostics;

namespace Realtime.Core.Telemetry;

/// <summary>
/// The one <see cref="ActivitySource"/> of Realtime's own spans: the dispatcher's <c>create</c> (one
/// per published message; its context travels in the envelope) and <c>send</c> (the broker command),
/// and the edge's <c>deliver</c> (decode, serialize once, hand to every local member). Without a
/// listener (tracing off, the default) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and nothing is allocated.
/// </summary>
public static class RealtimeActivities
{
    public const string SourceName = "Realtime";

    public static ActivitySource Source { get; } = new(SourceName, typeof(RealtimeActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Attribute names (OpenTelemetry messaging semantic conventions where one exists).</summary>
    public static class Tags
    {
        public const string System = "messaging.system";
        public const string Destination = "messaging.destination.name";
        public const string Operation = "messaging.operation.type";
        public const string MessageId = "messaging.message.id";
        public const string Recipients = "realtime.recipients";
        public const string Offset = "realtime.offset";
    }
}
