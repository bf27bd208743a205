using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.Core.Instances;
using Realtime.Operator.Election;
using Realtime.Operator.Hosting;
using Realtime.Operator.Tests.ApiServer;
using Realtime.TestKit;

namespace Realtime.Operator.Tests;

/// <summary>The real operator (its own hosting code) against a <see cref="FakeApiServer"/> and a real Redis.</summary>
internal sealed class OperatorHost : IAsyncDisposable
{
    public const string Namespace = "apps";

    private OperatorHost(WebApplication app, ErrorLogSink logs, FakeApiServer api)
    {
        App = app;
        Logs = logs;
        Api = api;
        Client = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() });
    }

    public WebApplication App { get; }

    public ErrorLogSink Logs { get; }

    public FakeApiServer Api { get; }

    /// <summary>A client of the fake API server, as kubectl would be.</summary>
    public Kubernetes Client { get; }

    public IInstanceRegistry Registry => App.Services.GetRequiredService<IInstanceRegistry>();

    public LeaseElector Elector => App.Services.GetRequiredService<LeaseElector>();

    public static async Task<OperatorHost> StartAsync(FakeApiServer api, string redisUrl, string prefix, string identity = "operator-0")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Realtime:Redis:Url"] = redisUrl,
            ["Realtime:Redis:Prefix"] = prefix,
            ["Realtime:Operator:ApiServerUrl"] = api.Url.ToString(),
            ["Realtime:Operator:Namespace"] = Namespace,
            ["Realtime:Operator:Identity"] = identity,
            ["Realtime:Operator:LeaseDurationSeconds"] = "3",
            ["Realtime:Operator:RenewSeconds"] = "1",
            ["Realtime:Operator:ResyncSeconds"] = "5",
            ["Realtime:Operator:MaxBackoffSeconds"] = "2",
            ["Logging:LogLevel:Default"] = "Information",
        });
        var logs = new ErrorLogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.AddOperator();
        var app = builder.Build();
        app.MapOperator();
        await app.StartAsync();
        return new OperatorHost(app, logs, api);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Client.Dispose();
    }
}
