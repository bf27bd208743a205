using k8s;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using Realtime.Hosting;
using Realtime.Operator.Election;
using Realtime.Operator.Reconcile;

namespace Realtime.Operator.Hosting;

/// <summary><c>builder.AddOperator(); app.MapOperator();</c></summary>
internal static class OperatorHostingExtensions
{
    public static WebApplicationBuilder AddOperator(this WebApplicationBuilder builder)
    {
        // Options, Redis (the instance registry the operator cleans), metrics registry.
        builder.AddRealtimeDefaults();
        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.ApiServerUrl is null || Uri.TryCreate(o.ApiServerUrl, UriKind.Absolute, out _), "Realtime:Operator:ApiServerUrl must be an absolute URL.")
            .Validate(o => o.RenewSeconds < o.LeaseDurationSeconds, "Realtime:Operator:RenewSeconds must be shorter than Realtime:Operator:LeaseDurationSeconds.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IKubernetes>(sp => new Kubernetes(ClientConfiguration(sp.GetRequiredService<IOptions<OperatorOptions>>().Value)));
        builder.Services.AddSingleton<OperatorMetrics>();
        builder.Services.AddSingleton<ObjectApplier>();
        builder.Services.AddSingleton<ClusterReconciler>();
        builder.Services.AddSingleton<ClusterController>();
        builder.Services.AddSingleton<EdgePodWatcher>();
        builder.Services.AddSingleton<LeaseElector>();
        builder.Services.AddHostedService<OperatorWorker>();
        return builder;
    }

    /// <summary><c>/healthz</c> (process up), <c>/readyz</c> (same: a follower is ready, it waits for the Lease), <c>/metrics</c>.</summary>
    public static WebApplication MapOperator(this WebApplication app)
    {
        var live = new HealthCheckOptions { Predicate = c => c.Tags.Contains(RealtimeHostingExtensions.LiveTag) };
        app.MapHealthChecks("/healthz", live);
        app.MapHealthChecks("/readyz", live);
        app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorRegistry>());
        return app;
    }

    private static KubernetesClientConfiguration ClientConfiguration(OperatorOptions o)
    {
        if (!string.IsNullOrEmpty(o.ApiServerUrl))
        {
            return new KubernetesClientConfiguration { Host = o.ApiServerUrl };
        }

        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
    }
}
