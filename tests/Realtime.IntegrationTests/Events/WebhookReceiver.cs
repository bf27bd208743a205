using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Realtime.IntegrationTests.Events;

/// <summary>A real Kestrel webhook receiver on loopback that answers 500 to the first <c>failFirst</c> requests.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private WebhookReceiver(WebApplication app) => _app = app;

    public int FailFirst { get; set; }

    public bool AlwaysFail { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Accepted deliveries: the body, the parsed CloudEvent and the signature header, in arrival order.</summary>
    public ConcurrentQueue<(byte[] Body, JsonElement Event, string Signature)> Accepted { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address + "/hook");
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var n = Interlocked.Increment(ref _requests);
        if (AlwaysFail || n <= FailFirst)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var bytes = body.ToArray();
        using var document = JsonDocument.Parse(bytes);
        Accepted.Enqueue((bytes, document.RootElement.Clone(), context.Request.Headers["X-Realtime-Signature"].ToString()));
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
