using System.Net;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Realtime.Dispatcher.Auth;
using Realtime.Dispatcher.Events;
using Realtime.Dispatcher.Grpc;
using Realtime.Dispatcher.Publishing;
using Realtime.Hosting;

namespace Realtime.Dispatcher.Hosting;

/// <summary><c>builder.AddDispatcher(); app.MapDispatcher();</c></summary>
internal static class DispatcherHostingExtensions
{
    public static WebApplicationBuilder AddDispatcher(this WebApplicationBuilder builder)
    {
        builder.AddRealtimeDefaults();
        builder.Services.AddOptions<DispatcherOptions>().BindConfiguration(DispatcherOptions.Section).ValidateDataAnnotations()
            .Validate(o => IPAddress.TryParse(o.BindAddress, out _), "Realtime:Dispatcher:BindAddress must be an IP address.")
            .Validate(o => o.ApiKeyList.Count > 0 || o.Insecure, "Realtime:Dispatcher:ApiKeys is empty: set at least one API key, or Realtime:Dispatcher:Insecure=true to run an open API that anyone can publish to (development only).")
            .Validate(o => o.MaxRequestBodyBytes > o.MaxDataBytes, "Realtime:Dispatcher:MaxRequestBodyBytes must be larger than Realtime:Dispatcher:MaxDataBytes.")
            .ValidateOnStart();

        // Every setting comes from the validated options (no raw keys with copied defaults).
        builder.Services.AddSingleton<DispatcherEndpoints>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<DispatcherOptions>, DispatcherEndpoints>((kestrel, options, endpoints) =>
        {
            var o = options.Value;
            var bind = IPAddress.Parse(o.BindAddress);
            kestrel.Limits.MaxRequestBodySize = o.MaxRequestBodyBytes;
            kestrel.Listen(bind, o.HttpPort, l =>
            {
                l.Protocols = HttpProtocols.Http1;
                endpoints.Http = l;
            });
            kestrel.Listen(bind, o.GrpcPort, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                endpoints.Grpc = l;
            });
        });

        builder.Services.AddSingleton<DispatcherMetrics>();
        builder.Services.AddSingleton<Publisher>();
        builder.Services.AddHostedService<InsecureModeWarning>();
        builder.AddDispatcherEvents();
        builder.Services.AddGrpc().AddJsonTranscoding();
        builder.Services.AddOptions<GrpcServiceOptions>().Configure<IOptions<DispatcherOptions>>((grpc, o) => grpc.MaxReceiveMessageSize = o.Value.MaxRequestBodyBytes);
        builder.Services.AddGrpcReflection();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<DispatcherOptions>>((cors, o) => cors.AddDefaultPolicy(p =>
        {
            var origins = (o.Value.CorsOrigins ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
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
        app.MapDispatcherEvents();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
