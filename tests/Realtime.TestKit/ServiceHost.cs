using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.Dispatcher.Hosting;
using Realtime.Edge.Hosting;

namespace Realtime.TestKit;

/// <summary>A real Kestrel host (edge or dispatcher) on 127.0.0.1 with ephemeral ports.</summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly ErrorLogSink _errors;
    private bool _stopped;

    private ServiceHost(WebApplication app, ErrorLogSink errors, string serverId)
    {
        App = app;
        _errors = errors;
        ServerId = serverId;
    }

    public WebApplication App { get; }

    public string ServerId { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Base HTTP/1.1 URL (edge: WebSocket, health, metrics; dispatcher: JSON API, health, metrics).</summary>
    public Uri HttpUrl { get; private set; } = null!;

    /// <summary>Dispatcher only: the h2c gRPC address.</summary>
    public Uri? GrpcUrl { get; private set; }

    public Uri WebSocketUrl => new($"ws://{HttpUrl.Authority}/ws");

    /// <summary>Error logs so far; tests that expect none assert this is empty (DisposeAsync does too).</summary>
    public IReadOnlyCollection<string> ErrorLogs => _errors.Errors;

    /// <summary>Warning logs so far.</summary>
    public IReadOnlyCollection<string> WarningLogs => _errors.Warnings;

    /// <summary>Set to false for a test that provokes error logs on purpose.</summary>
    public bool FailOnErrorLogs { get; set; } = true;

    public static Task<ServiceHost> StartEdgeAsync(string serverId, IDictionary<string, string?> settings) =>
        StartAsync(serverId, settings, b => b.AddEdge(), a => a.MapEdge(), dispatcher: false);

    public static Task<ServiceHost> StartDispatcherAsync(string serverId, IDictionary<string, string?> settings) =>
        StartAsync(serverId, settings, b => b.AddDispatcher(), a => a.MapDispatcher(), dispatcher: true);

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await App.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        if (FailOnErrorLogs && !_errors.Errors.IsEmpty)
        {
            throw new InvalidOperationException($"{ServerId} logged errors:\n" + string.Join("\n", _errors.Errors));
        }
    }

    private static async Task<ServiceHost> StartAsync(string serverId, IDictionary<string, string?> settings, Action<WebApplicationBuilder> add, Action<WebApplication> map, bool dispatcher)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", Args = [] });
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Realtime:ServerId"] = serverId,
            ["Realtime:Edge:Port"] = "0",
            ["Realtime:Edge:BindAddress"] = "127.0.0.1",
            ["Realtime:Edge:DrainSeconds"] = "1",
            ["Realtime:Edge:HeartbeatSeconds"] = "1",
            ["Realtime:Dispatcher:HttpPort"] = "0",
            ["Realtime:Dispatcher:GrpcPort"] = "0",
            ["Realtime:Dispatcher:BindAddress"] = "127.0.0.1",

            // Tests run without API keys unless they configure some (the dispatcher refuses otherwise).
            ["Realtime:Dispatcher:Insecure"] = "true",
            ["Realtime:Auth:HmacSecret"] = TestTokens.Secret,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings)
        {
            all[k] = v;
        }

        builder.Configuration.AddInMemoryCollection(all);
        var errors = new ErrorLogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(errors);
        builder.Logging.AddSimpleConsole();
        add(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var host = new ServiceHost(app, errors, serverId);
        if (dispatcher)
        {
            var endpoints = app.Services.GetRequiredService<DispatcherEndpoints>();
            host.HttpUrl = new Uri($"http://127.0.0.1:{endpoints.HttpPort}");
            host.GrpcUrl = new Uri($"http://127.0.0.1:{endpoints.GrpcPort}");
        }
        else
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            host.HttpUrl = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        }

        return host;
    }
}
