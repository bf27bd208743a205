namespace Realtime.Edge.Events;

/// <summary>The edge's lifecycle-event wiring (the event log itself is registered with the broker).</summary>
internal static class EdgeEventsHostingExtensions
{
    public static WebApplicationBuilder AddEdgeEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EdgeEventMetrics>();
        builder.Services.AddSingleton<EdgeEventSink>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EdgeEventSink>());
        builder.Services.AddSingleton<PresenceNotifier>();
        builder.Services.AddSingleton<ConnectionEvents>();
        return builder;
    }
}
