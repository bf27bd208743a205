using Microsoft.Extensions.Options;

namespace Realtime.Dispatcher.Events;

/// <summary>The dispatcher's lifecycle-event wiring: the Events gRPC service, the edge-loss sweep and webhooks.</summary>
internal static class DispatcherEventsHostingExtensions
{
    public static WebApplicationBuilder AddDispatcherEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EventMetrics>();
        builder.Services.AddSingleton<EdgeLossSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EdgeLossSweeper>());
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Endpoints.All(e => Uri.TryCreate(e.Url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"), "Realtime:Webhooks:Endpoints:N:Url must be an absolute http(s) URL.")
            .Validate(o => o.Endpoints.All(e => e.Secret.Length >= 16), "Realtime:Webhooks:Endpoints:N:Secret must be at least 16 characters (the HMAC key receivers verify).")
            .ValidateOnStart();
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName);
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }

    public static WebApplication MapDispatcherEvents(this WebApplication app)
    {
        app.MapGrpcService<EventsService>();
        return app;
    }
}
