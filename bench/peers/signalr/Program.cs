using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Realtime.Bench.SignalRPeer;

// Usage:
//   server  --port 5000 --redis 127.0.0.1:6379   holds connections on ws://127.0.0.1:PORT/hub
//   publish --redis 127.0.0.1:6379               reads "publish <rooms> <messages> <concurrency> [<rate>] <json>" lines
//                                                (at most <rate> messages per second when given and > 0),
//                                                answers "done <messages> <seconds>"
// Both print "ready" on stdout when started. Loopback only.
var mode = args.Length > 0 ? args[0] : "server";
var redis = Arg(args, "redis", "127.0.0.1:6379");
var port = int.Parse(Arg(args, "port", "5000"), CultureInfo.InvariantCulture);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls(mode == "server" ? $"http://127.0.0.1:{port}" : "http://127.0.0.1:0");
builder.Services.AddSignalR().AddStackExchangeRedis(redis);
var app = builder.Build();

if (mode == "server")
{
    app.UseWebSockets();
    app.MapGet("/healthz", () => "ok");
    app.MapHub<BenchHub>("/hub");
    await app.StartAsync();
    Console.WriteLine("ready");

    // Runs until stdin closes (the load generator ends) or the process is killed.
    await Task.Run(() =>
    {
        while (Console.In.ReadLine() is not null)
        {
        }
    });
    await app.StopAsync();
    return 0;
}

if (mode != "publish")
{
    await Console.Error.WriteLineAsync("usage: server|publish [--port N] [--redis host:port]");
    return 2;
}

await app.StartAsync();
var hub = app.Services.GetRequiredService<IHubContext<BenchHub>>();
Console.WriteLine("ready");
for (var handled = 0; handled < 100 && Console.In.ReadLine() is { } line; handled++)
{
    var parts = line.Trim().Split(' ', 5);
    var rate = 0;
    if (parts.Length == 5 && !parts[4].StartsWith('{') && parts[4].Split(' ', 2) is [var r, var json] && int.TryParse(r, CultureInfo.InvariantCulture, out rate))
    {
        parts[4] = json;
    }

    if (parts.Length != 5 || parts[0] != "publish"
        || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var rooms) || rooms < 1
        || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var messages) || messages is < 1 or > 1_000_000
        || !int.TryParse(parts[3], CultureInfo.InvariantCulture, out var concurrency) || concurrency is < 1 or > 1000
        || rate is < 0 or > 1_000_000)
    {
        Console.WriteLine("error bad command");
        continue;
    }

    using var document = JsonDocument.Parse(parts[4]);
    var data = document.RootElement.Clone();
    var watch = Stopwatch.StartNew();
    var senders = Enumerable.Range(0, concurrency).Select(async p =>
    {
        for (var m = p; m < messages; m += concurrency)
        {
            if (rate > 0 && TimeSpan.FromSeconds(m / (double)rate) - watch.Elapsed is { TotalMilliseconds: >= 1 } wait)
            {
                await Task.Delay(wait);
            }

            await hub.Clients.Group($"r{m % rooms}").SendAsync("msg", data);
        }
    });
    await Task.WhenAll(senders);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done {messages} {watch.Elapsed.TotalSeconds:F3}"));
}

await app.StopAsync();
return 0;

static string Arg(string[] args, string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

namespace Realtime.Bench.SignalRPeer
{
    /// <summary>The bench hub: a connection joins one group (room) and then only receives.</summary>
    internal sealed class BenchHub : Hub
    {
        public Task Join(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);
    }
}
