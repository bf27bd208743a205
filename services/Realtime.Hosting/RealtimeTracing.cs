using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Realtime.Core.Telemetry;

namespace Realtime.Hosting;

/// <summary>
/// OpenTelemetry tracing, configured by the standard <c>OTEL_*</c> variables and off by default.
/// On when <c>OTEL_TRACES_EXPORTER</c> names <c>otlp</c> and/or <c>console</c>, or when it is unset and
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set; off when
/// <c>OTEL_SDK_DISABLED=true</c> or <c>OTEL_TRACES_EXPORTER=none</c>. The SDK itself reads the rest
/// (endpoint, protocol, headers, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>,
/// <c>OTEL_TRACES_SAMPLER</c>). Traced: incoming HTTP/gRPC requests and Realtime's own spans
/// (<see cref="RealtimeActivities"/>): a publish is one trace from the API call through the broker to
/// each edge's delivery.
/// </summary>
public static class RealtimeTracing
{
    public readonly record struct Exporters(bool Otlp, bool Console)
    {
        public bool Any => Otlp || Console;
    }

    /// <summary>Which exporters the <c>OTEL_*</c> settings ask for (none by default).</summary>
    public static Exporters Requested(IConfiguration configuration)
    {
        if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return default;
        }

        var exporters = configuration["OTEL_TRACES_EXPORTER"];
        if (string.IsNullOrWhiteSpace(exporters))
        {
            var endpoint = configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
            return new Exporters(Otlp: !string.IsNullOrWhiteSpace(endpoint), Console: false);
        }

        var names = exporters.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new Exporters(
            Otlp: names.Contains("otlp", StringComparer.OrdinalIgnoreCase),
            Console: names.Contains("console", StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Registers tracing when <see cref="Requested"/> asks for an exporter; otherwise nothing.</summary>
    public static IHostApplicationBuilder AddRealtimeTracing(this IHostApplicationBuilder builder)
    {
        var exporters = Requested(builder.Configuration);
        if (!exporters.Any)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(RealtimeActivities.SourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path));
                if (exporters.Otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (exporters.Console)
                {
                    tracing.AddConsoleExporter();
                }
            });
        return builder;
    }

    /// <summary>Health probes and scrapes are not traced (they would be most of the spans).</summary>
    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/healthz", StringComparison.Ordinal) || path.StartsWithSegments("/metrics", StringComparison.Ordinal);
}
