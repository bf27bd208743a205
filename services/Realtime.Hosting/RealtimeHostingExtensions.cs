using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Realtime.Core.Bus;
using Realtime.Core.Options;
using Realtime.Redis;

namespace Realtime.Hosting;

/// <summary>Registration shared by every Realtime service.</summary>
public static class RealtimeHostingExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>
    /// The content root (the app's directory when started elsewhere, so appsettings.json is always
    /// read), request logging that never carries a query string token, options (validated at start), the broker (Redis when clustering is on, else in-memory; each registers itself),
    /// a per-host Prometheus registry (with .NET runtime and process metrics) and the broker health check. Idempotent, so the dev
    /// host can compose the edge and the dispatcher in one process.
    /// </summary>
    public static IHostApplicationBuilder AddRealtimeDefaults(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(RealtimeDefaultsMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<RealtimeDefaultsMarker>();
        ContentRootFallback.Apply(builder);
        builder.Services.PostConfigure<LoggerFilterOptions>(RequestLogRedaction.Apply);
        ConfigurationAliases.Apply(builder.Configuration);

        builder.Services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Each backend registers itself; the setting only picks which one.
        var clustering = builder.Configuration.GetValue("Realtime:EnableClustering", true);
        var addBroker = clustering ? Brokers.Redis : Brokers.InMemory;
        addBroker(builder.Services);

        // One registry per host (not the static default) so several hosts in one test process keep their own numbers.
        builder.Services.AddSingleton(_ => Metrics.NewCustomRegistry());
        builder.Services.AddSingleton<IMetricFactory>(sp => Metrics.WithCustomRegistry(sp.GetRequiredService<CollectorRegistry>()));
        builder.Services.AddSingleton<RuntimeMetrics>();
        builder.Services.AddSingleton<BrokerMetrics>();

        builder.AddRealtimeTracing();
        builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), [LiveTag])
            .AddCheck<BrokerHealthCheck>("broker", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Maps <c>/healthz/live</c>, <c>/healthz/ready</c> and <c>/metrics</c> (once per app).</summary>
    public static IEndpointRouteBuilder MapRealtimeDefaults(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.DataSources.SelectMany(s => s.Endpoints).Any(e => e.DisplayName == "realtime-ready"))
        {
            return endpoints;
        }

        endpoints.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag) }).WithDisplayName("realtime-live");
        endpoints.MapHealthChecks("/healthz/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = HealthJson.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).WithDisplayName("realtime-ready");
        var registry = endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>();
        endpoints.ServiceProvider.GetRequiredService<RuntimeMetrics>();
        endpoints.ServiceProvider.GetRequiredService<BrokerMetrics>();
        endpoints.MapMetrics("/metrics", registry);
        return endpoints;
    }

    /// <summary>The broker backends, each registering its own services.</summary>
    private static class Brokers
    {
        public static readonly Action<IServiceCollection> Redis = services => services.AddRealtimeRedis();
        public static readonly Action<IServiceCollection> InMemory = services => services.AddRealtimeInMemoryBroker();
    }

    private sealed class RealtimeDefaultsMarker;
}
