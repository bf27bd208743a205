using Realtime.Edge.Auth;
using Realtime.Edge.Connections;
using Realtime.Edge.Presence;
using Realtime.Edge.Subscriptions;
using Realtime.Hosting;

namespace Realtime.Edge.Hosting;

/// <summary><c>builder.AddEdge(); app.MapEdge();</c></summary>
public static class EdgeHostingExtensions
{
    public static WebApplicationBuilder AddEdge(this WebApplicationBuilder builder)
    {
        builder.AddRealtimeDefaults();
        builder.Services.AddOptions<EdgeOptions>().BindConfiguration(EdgeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        var drainSeconds = builder.Configuration.GetValue("Realtime:Edge:DrainSeconds", 20);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(drainSeconds + 5, o.ShutdownTimeout.TotalSeconds)));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Http:Url"]))
        {
            builder.WebHost.UseUrls($"http://{builder.Configuration.GetValue("Realtime:Edge:BindAddress", "0.0.0.0")}:{builder.Configuration.GetValue("Realtime:Edge:Port", 8080)}");
        }

        // Kestrel's own cap on upgraded (WebSocket) connections sits a little above MaxConnections:
        // the edge's atomic slot reservation answers 503 first; Kestrel's is the backstop.
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<EdgeOptions>>((kestrel, edge) =>
                kestrel.Limits.MaxConcurrentUpgradedConnections = edge.Value.MaxConnections + Math.Max(16, edge.Value.MaxConnections / 10));

        // Per-request hosting diagnostics (an Activity and logging scopes) live as long as the
        // request, and a WebSocket request lasts as long as the connection: about 0.4 KB per idle
        // connection (dotnet-gcdump) for request logs that carry nothing useful here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        builder.Services.AddSingleton<EdgeMetrics>();
        builder.Services.AddSingleton<TokenValidator>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<DeliveryWorkers>();
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
        return builder;
    }

    public static WebApplication MapEdge(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapRealtimeDefaults();
        var handler = app.Services.GetRequiredService<ConnectionHandler>();
        app.Map("/ws", handler.HandleAsync);
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EdgeOptions>>().Value;
        if (options.DevMode)
        {
            DevEndpoints.Map(app, options);
        }

        return app;
    }
}
