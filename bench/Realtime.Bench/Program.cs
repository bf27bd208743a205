using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Realtime.Bench;
using Realtime.V1;

// Usage: dotnet run -c Release --project bench/Realtime.Bench -- [--connections 4000] [--rooms 20] [--messages 2000] [--payload 100] [--out bench/results/x.md]
var options = BenchOptions.Parse(args);
var root = BenchProcess.FindRepoRoot();
var secret = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
var redisPort = BenchProcess.FreePort();
var edgePort = BenchProcess.FreePort();
var httpPort = BenchProcess.FreePort();
var grpcPort = BenchProcess.FreePort();

await using var redis = BenchProcess.Start("redis-server", ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no"], new());
var env = new Dictionary<string, string>
{
    ["REDIS_URL"] = $"redis://127.0.0.1:{redisPort}",
    ["Realtime__Auth__HmacSecret"] = secret,
    ["Logging__LogLevel__Default"] = "Warning",
    ["DOTNET_gcServer"] = "0",
};
await using var edge = BenchProcess.Start("dotnet", [Path.Combine(root, options.EdgeDll)], new(env)
{
    ["SERVER_ID"] = "bench-edge",
    ["Realtime__Edge__Port"] = edgePort.ToString(CultureInfo.InvariantCulture),
    ["Realtime__Edge__BindAddress"] = "127.0.0.1",
    ["Realtime__Edge__MaxConnections"] = "100000",
});
await using var dispatcher = BenchProcess.Start("dotnet", [Path.Combine(root, options.DispatcherDll)], new(env)
{
    ["SERVER_ID"] = "bench-dispatcher",
    ["Realtime__Dispatcher__HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture),
    ["Realtime__Dispatcher__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture),
    ["Realtime__Dispatcher__BindAddress"] = "127.0.0.1",
});
await BenchProcess.WaitReadyAsync(new Uri($"http://127.0.0.1:{edgePort}/healthz/ready"));
await BenchProcess.WaitReadyAsync(new Uri($"http://127.0.0.1:{httpPort}/healthz/ready"));

var rssIdle = edge.RssBytes();
Console.WriteLine($"edge idle RSS {rssIdle / 1048576.0:F1} MiB; opening {options.Connections} connections…");
var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret));
var handler = new JsonWebTokenHandler();
var clients = new List<BenchClient>(options.Connections);
var wsUrl = new Uri($"ws://127.0.0.1:{edgePort}/ws");
var connectWatch = Stopwatch.StartNew();
for (var i = 0; i < options.Connections; i += 200)
{
    var batch = Enumerable.Range(i, Math.Min(200, options.Connections - i)).Select(async n =>
    {
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = $"u{n}", ["rooms"] = AllRooms },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        var client = await BenchClient.ConnectAsync(wsUrl, token);
        await client.SubscribeAsync($"room:r{n % options.Rooms}");
        return client;
    });
    clients.AddRange(await Task.WhenAll(batch));
}

connectWatch.Stop();
GC.Collect();
await Task.Delay(2000);
var rssConnected = edge.RssBytes();
var perConnection = (rssConnected - rssIdle) / (double)options.Connections;
Console.WriteLine($"connected in {connectWatch.Elapsed.TotalSeconds:F1} s; edge RSS {rssConnected / 1048576.0:F1} MiB => {perConnection / 1024:F1} KiB per connection");

using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
var grpc = new Dispatcher.DispatcherClient(channel);
var payload = "{\"text\":\"" + new string('x', Math.Max(0, options.Payload - 11)) + "\"}";
var expectedDeliveries = (long)options.Messages * (options.Connections / options.Rooms);
var cpuBefore = edge.CpuSeconds();
var publishWatch = Stopwatch.StartNew();
var publishers = Enumerable.Range(0, options.Publishers).Select(async p =>
{
    for (var m = p; m < options.Messages; m += options.Publishers)
    {
        await grpc.PublishAsync(new PublishRequest { Target = new Target { Room = $"r{m % options.Rooms}" }, Event = "bench", Data = payload });
    }
});
await Task.WhenAll(publishers);
var publishSeconds = publishWatch.Elapsed.TotalSeconds;
var deadline = DateTime.UtcNow.AddSeconds(120);
while (clients.Sum(c => c.Received) < expectedDeliveries && DateTime.UtcNow < deadline)
{
    await Task.Delay(50);
}

var deliverSeconds = publishWatch.Elapsed.TotalSeconds;
var cpu = edge.CpuSeconds() - cpuBefore;
var received = clients.Sum(c => c.Received);
var frames = clients.Sum(c => c.Frames);
var result = new StringBuilder();
result.AppendLine(CultureInfo.InvariantCulture, $"## {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
result.AppendLine();
result.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project bench/Realtime.Bench -- {string.Join(' ', args)}` (one edge process, one dispatcher process, local redis-server; load generator in the same machine)");
result.AppendLine();
result.AppendLine("| metric | value |");
result.AppendLine("| --- | --- |");
result.AppendLine(CultureInfo.InvariantCulture, $"| connections / rooms | {options.Connections} / {options.Rooms} |");
result.AppendLine(CultureInfo.InvariantCulture, $"| messages published (payload bytes) | {options.Messages} ({options.Payload}) |");
result.AppendLine(CultureInfo.InvariantCulture, $"| deliveries expected / received | {expectedDeliveries} / {received} |");
result.AppendLine(CultureInfo.InvariantCulture, $"| publish wall time / until all delivered | {publishSeconds:F2} s / {deliverSeconds:F2} s |");
result.AppendLine(CultureInfo.InvariantCulture, $"| edge CPU during the run | {cpu:F2} s |");
result.AppendLine(CultureInfo.InvariantCulture, $"| **deliveries per edge CPU-second** | **{received / Math.Max(cpu, 0.001):F0}** |");
result.AppendLine(CultureInfo.InvariantCulture, $"| deliveries per wall second | {received / deliverSeconds:F0} |");
result.AppendLine(CultureInfo.InvariantCulture, $"| messages per WebSocket frame (coalescing) | {received / (double)Math.Max(frames, 1):F2} |");
result.AppendLine(CultureInfo.InvariantCulture, $"| edge RSS idle / connected | {rssIdle / 1048576.0:F1} MiB / {rssConnected / 1048576.0:F1} MiB |");
result.AppendLine(CultureInfo.InvariantCulture, $"| **edge memory per connection** | **{perConnection / 1024:F1} KiB** |");
Console.WriteLine(result);
if (options.Out is not null)
{
    await File.AppendAllTextAsync(Path.Combine(root, options.Out), result + Environment.NewLine);
}

foreach (var client in clients)
{
    client.Abort();
}

return received == expectedDeliveries ? 0 : 1;

internal static partial class Program
{
    private static readonly string[] AllRooms = ["*"];
}
