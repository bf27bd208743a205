namespace Realtime.Dispatcher.Events;

/// <summary>The dispatcher's lifecycle-event wiring: the Events gRPC service, the edge-loss sweep and webhooks.</summary>
internal static class DispatcherEventsHostingExtensions
{
    public static WebApplicationBuilder AddDispatcherEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EventMetrics>();
        builder.Services.AddSingleton<EdgeLossSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EdgeLossSweeper>());
        return builder;
    }

    public static WebApplication MapDispatcherEvents(this WebApplication app)
    {
        app.MapGrpcService<EventsService>();
        return app;
    }
}
