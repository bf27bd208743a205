using Realtime.Hosting;

namespace Realtime.Edge.Liveness;

/// <summary>Registration of the pub/sub liveness check (its options, service, metrics and readiness check).</summary>
internal static class PubSubLivenessExtensions
{
    public static IServiceCollection AddPubSubLiveness(this IServiceCollection services)
    {
        services.AddOptions<PubSubLivenessOptions>().BindConfiguration(PubSubLivenessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PubSubLivenessMetrics>();
        services.AddSingleton<PubSubLivenessService>();
        services.AddHostedService(sp => sp.GetRequiredService<PubSubLivenessService>());
        services.AddHealthChecks().AddCheck<PubSubLivenessHealthCheck>("pubsub-liveness", tags: [RealtimeHostingExtensions.ReadyTag]);
        return services;
    }
}
