using System.Diagnostics;
using System.Globalization;
using System.Text;
using Realtime.Bench;

// Usage: dotnet run -c Release --project bench/Realtime.Bench -- [--system realtime|signalr|socketio]
//   [--connections 4000] [--rooms 20] [--messages 2000] [--payload 100] [--publishers 16] [--warmup 0] [--rate 0]
//   [--room-history N] [--max-load 1.0] [--max-load-wait 300] [--out bench/results/x.md]
// See bench/README.md.
if (PublishBench.IsRequested(args))
{
    // --mode publish: publish throughput through one dispatcher (see PublishBench).
    return await PublishBench.RunAsync(args, BenchProcess.FindRepoRoot());
}

var options = BenchOptions.Parse(args);
var root = BenchProcess.FindRepoRoot();

if (options.MaxLoad is { } maxLoad)
{
    // The machine is shared: wait (bounded) for the 1-minute load average to settle before starting.
    var waitUntil = DateTime.UtcNow.AddSeconds(options.MaxLoadWaitSeconds);
    while (BenchProcess.LoadAverage()[0] > maxLoad && DateTime.UtcNow < waitUntil)
    {
        Console.WriteLine($"load average {BenchProcess.LoadAverage()[0]:F2} > {maxLoad:F2}; waiting…");
        await Task.Delay(TimeSpan.FromSeconds(10));
    }
}

var loadAtStart = BenchProcess.LoadAverage();
var redisPort = BenchProcess.FreePort();
await using var redis = BenchProcess.Start("redis-server", ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no"], new());
// --shards N: N - 1 more redis-servers; the Realtime services then run in sharded mode over all N.
var shardPorts = new List<int> { redisPort };
var shardServers = new List<BenchProcess>();
await using var stopShards = new ShardServers(shardServers);
for (var i = 1; i < options.Shards; i++)
{
    var port = BenchProcess.FreePort();
    shardPorts.Add(port);
    shardServers.Add(BenchProcess.Start("redis-server", ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no"], new()));
}

await using var system = IBenchSystem.Create(options, root, redisPort, shardPorts);
await system.StartAsync();
var server = system.Server;

// Room of connection n is r(n % rooms); message m goes to r(m % rooms).
string RoomOf(int n) => $"r{n % options.Rooms}";
long Expected(int messages)
{
    long total = 0;
    for (var r = 0; r < options.Rooms; r++)
    {
        long members = (options.Connections / options.Rooms) + (r < options.Connections % options.Rooms ? 1 : 0);
        long published = (messages / options.Rooms) + (r < messages % options.Rooms ? 1 : 0);
        total += members * published;
    }

    return total;
}

await Task.Delay(1000);
var rssIdle = server.RssBytes();
Console.WriteLine($"{options.System}: server idle RSS {rssIdle / 1048576.0:F1} MiB; opening {options.Connections} connections…");
var clients = new List<BenchClient>(options.Connections);
var connectCpuBefore = server.CpuSeconds();
var connectWatch = Stopwatch.StartNew();
for (var i = 0; i < options.Connections; i += 200)
{
    clients.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(200, options.Connections - i)).Select(n => system.ConnectAsync(n, RoomOf(n)))));
}

connectWatch.Stop();
var connectCpuMs = (server.CpuSeconds() - connectCpuBefore) * 1000 / options.Connections;
GC.Collect();
await Task.Delay(2000);
var rssConnected = server.RssBytes();
var perConnection = (rssConnected - rssIdle) / (double)options.Connections;
Console.WriteLine($"connected in {connectWatch.Elapsed.TotalSeconds:F1} s ({connectCpuMs:F2} ms server CPU per connection); server RSS {rssConnected / 1048576.0:F1} MiB => {perConnection / 1024:F1} KiB per connection");
if (Environment.GetEnvironmentVariable("BENCH_HOLD_SECONDS") is { } hold && int.TryParse(hold, CultureInfo.InvariantCulture, out var holdSeconds) && holdSeconds > 0)
{
    // For heap dumps of the connected server: `BENCH_HOLD_SECONDS=60 …`, then dotnet-gcdump collect -p <pid>.
    Console.WriteLine($"holding the connections for {holdSeconds} s (server pid {server.Pid})");
    await Task.Delay(TimeSpan.FromSeconds(Math.Min(holdSeconds, 600)));
}

var payload = "{\"text\":\"" + new string('x', options.Payload - 11) + "\"}";
async Task<bool> WaitForAsync(long count, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    while (clients.Sum(c => c.Received) < count && DateTime.UtcNow < deadline)
    {
        await Task.Delay(50);
    }

    return clients.Sum(c => c.Received) >= count;
}

long receivedBefore = 0;
long framesBefore = 0;
long bytesBefore = 0;
if (options.Warmup > 0)
{
    // Not measured: lets each runtime compile its delivery path before the measured window.
    await system.PublishAsync(options.Rooms, options.Warmup, options.Publishers, 0, payload);
    var warmedUp = await WaitForAsync(Expected(options.Warmup), TimeSpan.FromSeconds(60));
    await Task.Delay(500);
    receivedBefore = clients.Sum(c => c.Received);
    framesBefore = clients.Sum(c => c.Frames);
    bytesBefore = clients.Sum(c => c.Bytes);
    Console.WriteLine($"warm-up: {options.Warmup} messages, {receivedBefore} of {Expected(options.Warmup)} deliveries{(warmedUp ? string.Empty : " (incomplete)")}");
}

var expectedDeliveries = Expected(options.Messages);
var loadBefore = BenchProcess.LoadAverage();
var cpuBefore = server.CpuSeconds();
var publishWatch = Stopwatch.StartNew();
await system.PublishAsync(options.Rooms, options.Messages, options.Publishers, options.Rate, payload);
var publishSeconds = publishWatch.Elapsed.TotalSeconds;
await WaitForAsync(receivedBefore + expectedDeliveries, TimeSpan.FromSeconds(120));
var deliverSeconds = publishWatch.Elapsed.TotalSeconds;
var cpu = server.CpuSeconds() - cpuBefore;
await Task.Delay(500); // anything beyond the expected count (duplicates) shows up here
var received = clients.Sum(c => c.Received) - receivedBefore;
var frames = clients.Sum(c => c.Frames) - framesBefore;
var bytes = clients.Sum(c => c.Bytes) - bytesBefore;
var complete = received == expectedDeliveries ? "yes" : received > expectedDeliveries ? "no (extra)" : "no (missing)";

var os = File.Exists("/etc/os-release")
    ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "?"
    : "?";
var node = options.System == "socketio" ? $", node {await BenchProcess.FirstLineOfAsync(options.Node, "--version")}" : string.Empty;
var result = new StringBuilder();
result.AppendLine(CultureInfo.InvariantCulture, $"### {options.System} — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
result.AppendLine();
result.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project bench/Realtime.Bench -- {string.Join(' ', args)}`");
result.AppendLine();
result.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {os} ({Environment.OSVersion}), .NET {Environment.Version}{node}; load average (1/5/15 min) at start {string.Join(" / ", loadAtStart.Select(l => l.ToString("F2", CultureInfo.InvariantCulture)))}, before publishing {string.Join(" / ", loadBefore.Select(l => l.ToString("F2", CultureInfo.InvariantCulture)))}. System: {system.Description}; local redis-server; load generator on the same machine. Connected in {connectWatch.Elapsed.TotalSeconds:F1} s; warm-up {options.Warmup} messages (not measured); publish rate {(options.Rate > 0 ? $"paced at {options.Rate} messages/s" : "unpaced")}, {options.Publishers} in flight.");
result.AppendLine();
result.AppendLine(Header);
result.AppendLine(CultureInfo.InvariantCulture, $"| {options.System} | {options.Connections} | {options.Rooms} | {options.Messages} | {options.Payload} | {expectedDeliveries} | {received} | {complete} | {publishSeconds:F2} | {deliverSeconds:F2} | {cpu:F2} | **{received / Math.Max(cpu, 0.01):F0}** | {received / deliverSeconds:F0} | {received / (double)Math.Max(frames, 1):F2} | {rssIdle / 1048576.0:F1} | {rssConnected / 1048576.0:F1} | **{perConnection / 1024:F1}** | {loadBefore[0]:F2} | {(options.Rate > 0 ? options.Rate.ToString(CultureInfo.InvariantCulture) : "unpaced")} | {bytes / (double)Math.Max(received, 1):F0} | {connectCpuMs:F2} |");
Console.WriteLine(result);
if (options.Out is not null)
{
    var path = Path.Combine(root, options.Out);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.AppendAllTextAsync(path, result + Environment.NewLine);
}

foreach (var client in clients)
{
    client.Abort();
}

return received == expectedDeliveries ? 0 : 1;

internal static partial class Program
{
    private const string Header =
        "| system | conns | rooms | messages | payload B | deliveries expected | received | all arrived | publish s | until delivered s | server CPU s | deliveries / server CPU-s | deliveries / wall s | msgs / frame | server RSS idle MiB | RSS connected MiB | KiB / conn | load 1m | pace msg/s | wire B / msg | connect CPU ms / conn |\n"
        + "| --- | --: | --: | --: | --: | --: | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |";
}

/// <summary>Stops the extra redis-servers of <c>--shards</c> when the run ends, however it ends.</summary>
internal sealed class ShardServers(List<BenchProcess> servers) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }
    }
}
