using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Realtime.Dispatcher.Auth;
using Realtime.Dispatcher.Grpc;
using Realtime.Dispatcher.Kubernetes;
using Realtime.Dispatcher.Publishing;
using Realtime.Hosting;

namespace Realtime.Dispatcher.Hosting;

/// <summary><c>builder.AddDispatcher(); app.MapDispatcher();</c></summary>
public static class DispatcherHostingExtensions
{
    public static WebApplicationBuilder AddDispatcher(this WebApplicationBuilder builder)
    {
        builder.AddRealtimeDefaults();
        builder.Services.AddOptions<DispatcherOptions>().BindConfiguration(DispatcherOptions.Section).ValidateDataAnnotations()
            .Validate(o => IPAddress.TryParse(o.BindAddress, out _), "Realtime:Dispatcher:BindAddress must be an IP address.")
            .Validate(o => o.ApiKeyList.Count > 0 || o.Insecure, "Realtime:Dispatcher:ApiKeys is empty: set at least one API key, or Realtime:Dispatcher:Insecure=true to run an open API that anyone can publish to (development only).")
            .Validate(o => o.MaxRequestBodyBytes > o.MaxDataBytes, "Realtime:Dispatcher:MaxRequestBodyBytes must be larger than Realtime:Dispatcher:MaxDataBytes.")
            .ValidateOnStart();

        var section = builder.Configuration.GetSection(DispatcherOptions.Section);
        var bind = IPAddress.TryParse(section["BindAddress"] ?? "0.0.0.0", out var address) ? address : IPAddress.Any;
        var httpPort = section.GetValue("HttpPort", 8080);
        var grpcPort = section.GetValue("GrpcPort", 8081);
        var maxBody = section.GetValue("MaxRequestBodyBytes", new DispatcherOptions().MaxRequestBodyBytes);
        var endpoints = new DispatcherEndpoints();
        builder.Services.AddSingleton(endpoints);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = maxBody;
            kestrel.Listen(bind, httpPort, l =>
            {
                l.Protocols = HttpProtocols.Http1;
                endpoints.Http = l;
            });
            kestrel.Listen(bind, grpcPort, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                endpoints.Grpc = l;
            });
        });

        builder.Services.AddOptions<KubernetesOptions>().BindConfiguration(KubernetesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<EdgePodView>();
        builder.Services.AddSingleton<RegistryReconciler>();
        builder.Services.AddHostedService<KubernetesEdgeWatcher>();
        builder.Services.AddSingleton<DispatcherMetrics>();
        builder.Services.AddSingleton<Publisher>();
        builder.Services.AddHostedService<InsecureModeWarning>();
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = maxBody).AddJsonTranscoding();
        builder.Services.AddGrpcReflection();
        var origins = (section["CorsOrigins"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.Services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (origins.Contains("*"))
            {
                p.AllowAnyOrigin();
            }
            else
            {
                p.WithOrigins(origins);
            }

            p.AllowAnyHeader().WithMethods("GET", "POST");
        }));
        builder.Services.AddGrpcHealthChecks(o => o.Services.Map(string.Empty, r => r.Tags.Contains(RealtimeHostingExtensions.ReadyTag)));
        return builder;
    }

    public static WebApplication MapDispatcher(this WebApplication app)
    {
        app.UseCors();

        // Before any endpoint reads a body: the key is checked from the headers alone.
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseMiddleware<JsonDataMiddleware>();
        app.MapRealtimeDefaults();
        app.MapGrpcService<DispatcherService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
