using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Realtime.Edge.Auth;
using Realtime.Edge.Connections;
using Realtime.Edge.Events;
using Realtime.Edge.Liveness;
using Realtime.Edge.Presence;
using Realtime.Edge.Subscriptions;
using Realtime.Hosting;

namespace Realtime.Edge.Hosting;

/// <summary><c>builder.AddEdge(); app.MapEdge();</c></summary>
internal static class EdgeHostingExtensions
{
    public static WebApplicationBuilder AddEdge(this WebApplicationBuilder builder)
    {
        builder.AddRealtimeDefaults();
        builder.Services.AddOptions<EdgeOptions>().BindConfiguration(EdgeOptions.Section).ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Every setting comes from the validated options (no raw keys with copied defaults).
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<EdgeOptions>>((host, edge) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(edge.Value.DrainSeconds + 5, host.ShutdownTimeout.TotalSeconds)));
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<EdgeOptions>>((kestrel, edge) =>
            // Kestrel's own cap on upgraded (WebSocket) connections sits a little above MaxConnections:
            // the edge's atomic slot reservation answers 503 first; Kestrel's is the backstop.
            kestrel.Limits.MaxConcurrentUpgradedConnections = edge.Value.MaxConnections + Math.Max(16, edge.Value.MaxConnections / 10));

        // The listen address is needed before the container exists: bound from the same section
        // into the options class, so its defaults are the only ones. A host that composes the edge
        // with the dispatcher (the dev host) listens where the dispatcher's Kestrel setup says.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            var edge = builder.Configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>() ?? new EdgeOptions();
            builder.WebHost.UseUrls(edge.MetricsPort > 0
                ? [$"http://{edge.BindAddress}:{edge.Port}", $"http://{edge.BindAddress}:{edge.MetricsPort}"]
                : [$"http://{edge.BindAddress}:{edge.Port}"]);
        }

        // Per-request hosting diagnostics (an Activity and logging scopes) live as long as the
        // request, and a WebSocket request lasts as long as the connection: about 0.4 KB per idle
        // connection (dotnet-gcdump) for request logs that carry nothing useful here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        builder.Services.AddSingleton<EdgeMetrics>();
        builder.AddEdgeEvents();
        builder.Services.AddSingleton<TokenValidator>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<DeliveryWorkers>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorkers>());
        builder.Services.AddSingleton<SubscriptionTable>();
        builder.Services.AddSingleton<PresenceTracker>();
        builder.Services.AddSingleton<CommandProcessor>();
        builder.Services.AddSingleton<ClientLimits>();
        builder.Services.AddSingleton<ConnectionHandler>();
        builder.Services.AddSingleton<DrainState>();
        builder.Services.AddHostedService<DrainService>();
        builder.Services.AddHostedService<EdgeHeartbeatService>();
        builder.Services.AddSingleton<ResyncService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResyncService>());
        builder.Services.AddHealthChecks().AddCheck<DrainHealthCheck>("drain", tags: [RealtimeHostingExtensions.ReadyTag]);
        builder.Services.AddPubSubLiveness();
        return builder;
    }

    public static WebApplication MapEdge(this WebApplication app)
    {
        var metricsPort = app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.MetricsPort;
        if (metricsPort > 0)
        {
            // By the port the connection arrived on (not the Host header, which a client chooses).
            app.UseWhen(
                context => context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal) && context.Connection.LocalPort != metricsPort,
                branch => branch.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }));
        }

        app.UseWebSockets();
        app.MapRealtimeDefaults();
        var handler = app.Services.GetRequiredService<ConnectionHandler>();
        app.Map("/ws", handler.HandleAsync);
        var options = app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value;
        if (options.DevMode)
        {
            DevEndpoints.Map(app, options);
        }

        return app;
    }
}
