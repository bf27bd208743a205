using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Realtime.V1;

namespace Realtime.Bench;

/// <summary>
/// <c>--mode publish</c>: publish throughput through one dispatcher process, with Redis as the only
/// other process (no edge). Measures messages/s to one room with history (the Lua script assigns the
/// offset, appends to the history stream and PUBLISHes) over one ordered <c>PublishStream</c>, and
/// over unary <c>Publish</c> with many concurrent callers, plus the dispatcher's (and Redis's) CPU per
/// message read from /proc/PID/stat.
/// Usage: <c>dotnet run -c Release --project bench/Realtime.Bench -- --mode publish [--messages 200000]
/// [--unary-messages 100000] [--publishers 64] [--payload 100] [--warmup 20000] [--out bench/results/x.md]</c>.
/// </summary>
internal static class PublishBench
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public static bool IsRequested(string[] args) => Get(args, "mode", "fanout") == "publish";

    public static async Task<int> RunAsync(string[] args, string root)
    {
        var messages = Int(args, "messages", 200_000);
        var unaryMessages = Int(args, "unary-messages", 100_000);
        var publishers = Int(args, "publishers", 64);
        var payloadBytes = Int(args, "payload", 100);
        var warmup = Int(args, "warmup", 20_000);
        var dispatcherDll = Get(args, "dispatcher-dll", "services/Realtime.Dispatcher/bin/Release/net10.0/Realtime.Dispatcher.dll");
        var output = args.Contains("--out") ? Get(args, "out", "bench/results/publish.md") : null;
        var payload = "{\"text\":\"" + new string('x', Math.Max(0, payloadBytes - 11)) + "\"}";
        var roomHistory = args.Contains("--room-history") ? Int(args, "room-history", 100) : (int?)null;

        var loadAtStart = BenchProcess.LoadAverage();
        var redisPort = BenchProcess.FreePort();
        var httpPort = BenchProcess.FreePort();
        var grpcPort = BenchProcess.FreePort();
        await using var redis = BenchProcess.Start("redis-server", ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no"], new());
        await using var dispatcher = BenchProcess.Start("dotnet", [Path.Combine(root, dispatcherDll)], new()
        {
            ["REDIS_URL"] = $"redis://127.0.0.1:{redisPort}",
            ["SERVER_ID"] = "bench-dispatcher",
            ["Realtime__Dispatcher__HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["Realtime__Dispatcher__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture),
            ["Realtime__Dispatcher__BindAddress"] = "127.0.0.1",
            ["Realtime__Dispatcher__Insecure"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Realtime__History__Namespaces__room__MaxMessages"] = roomHistory?.ToString(CultureInfo.InvariantCulture) ?? "100",
        });
        await BenchProcess.WaitReadyAsync(new Uri($"http://127.0.0.1:{httpPort}/healthz/ready"));
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var client = new Dispatcher.DispatcherClient(channel);

        // Not measured: JIT and connection warm-up of both paths.
        await StreamAsync(client, "warm", warmup, payload);
        await UnaryAsync(client, "warm", Math.Max(publishers, warmup / 4), publishers, payload);

        var stream = await MeasureAsync(dispatcher, redis, messages, () => StreamAsync(client, "bench", messages, payload));
        Console.WriteLine($"stream: {stream.PerSecond:F0} msg/s, dispatcher {stream.DispatcherMicros:F1} µs CPU/msg, redis {stream.RedisMicros:F1} µs CPU/msg");
        var unary = await MeasureAsync(dispatcher, redis, unaryMessages, () => UnaryAsync(client, "bench-unary", unaryMessages, publishers, payload));
        Console.WriteLine($"unary x{publishers}: {unary.PerSecond:F0} msg/s, dispatcher {unary.DispatcherMicros:F1} µs CPU/msg, redis {unary.RedisMicros:F1} µs CPU/msg");

        var history = await client.GetHistoryAsync(new GetHistoryRequest { Channel = "room:bench", Limit = 1 });
        var scriptStats = await RedisScriptStatsAsync(redisPort);
        Console.WriteLine("redis: " + scriptStats);
        var result = new StringBuilder();
        result.AppendLine(CultureInfo.InvariantCulture, $"### publish throughput — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        result.AppendLine();
        result.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project bench/Realtime.Bench -- {string.Join(' ', args)}`");
        result.AppendLine();
        result.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average at start {string.Join(" / ", loadAtStart.Select(l => l.ToString("F2", CultureInfo.InvariantCulture)))}. One dispatcher process (Release) and one local redis-server; the load generator on the same machine. {(roomHistory == 0 ? "One room without history (room MaxMessages=0): each message runs the publish script's PUBLISH only, no offset." : $"One room with history (MaxMessages={roomHistory ?? 100}, TTL 300 s): each message runs the publish script (offset, XADD, time trim, PUBLISH).")} Room top offset after the stream run: {history.Offset}. Warm-up {warmup} messages not measured.");
        result.AppendLine();
        result.AppendLine("| path | messages | payload B | wall s | messages/s | dispatcher CPU s | dispatcher µs CPU / msg | redis µs CPU / msg |");
        result.AppendLine("| --- | --: | --: | --: | --: | --: | --: | --: |");
        result.AppendLine(Row("PublishStream (1 stream)", messages, payloadBytes, stream));
        result.AppendLine(Row($"unary Publish ({publishers} concurrent callers)", unaryMessages, payloadBytes, unary));
        result.AppendLine();
        result.AppendLine(CultureInfo.InvariantCulture, $"Redis INFO commandstats for the publish script (whole run, warm-up included): `{scriptStats}`");
        Console.WriteLine(result);
        if (output is not null)
        {
            var path = Path.Combine(root, output);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.AppendAllTextAsync(path, result + Environment.NewLine);
        }

        return roomHistory == 0 || history.Offset == (ulong)messages ? 0 : 1;
    }

    private static string Row(string path, int messages, int payload, Measurement m) =>
        string.Create(CultureInfo.InvariantCulture, $"| {path} | {messages} | {payload} | {m.Seconds:F2} | **{m.PerSecond:F0}** | {m.DispatcherCpu:F2} | **{m.DispatcherMicros:F1}** | {m.RedisMicros:F1} |");

    private static async Task<Measurement> MeasureAsync(BenchProcess dispatcher, BenchProcess redis, int messages, Func<Task> run)
    {
        var dispatcherBefore = dispatcher.CpuSeconds();
        var redisBefore = redis.CpuSeconds();
        var watch = Stopwatch.StartNew();
        await run();
        var seconds = watch.Elapsed.TotalSeconds;
        var dispatcherCpu = dispatcher.CpuSeconds() - dispatcherBefore;
        var redisCpu = redis.CpuSeconds() - redisBefore;
        return new Measurement(seconds, messages / seconds, dispatcherCpu, dispatcherCpu * 1e6 / messages, redisCpu * 1e6 / messages);
    }

    /// <summary>One ordered stream: writes never wait for answers; every answer is read and checked.</summary>
    private static async Task StreamAsync(Dispatcher.DispatcherClient client, string room, int messages, string payload)
    {
        using var call = client.PublishStream();
        var reading = Task.Run(async () =>
        {
            var answered = 0;
            await foreach (var answer in call.ResponseStream.ReadAllAsync())
            {
                if (answer.OutcomeCase != PublishStreamResponse.OutcomeOneofCase.Result || answer.Sequence != (ulong)answered)
                {
                    throw new InvalidOperationException($"answer {answered}: {answer}");
                }

                answered++;
            }

            return answered;
        });
        var target = new Target { Room = room };
        for (var i = 0; i < messages; i++)
        {
            call.RequestStream.WriteOptions = (i & 63) == 63 || i == messages - 1 ? null : Buffered;
            await call.RequestStream.WriteAsync(new PublishRequest { Target = target, Event = "bench", Data = payload });
        }

        await call.RequestStream.CompleteAsync();
        var total = await reading;
        if (total != messages)
        {
            throw new InvalidOperationException($"{total} of {messages} answered");
        }
    }

    private static Task UnaryAsync(Dispatcher.DispatcherClient client, string room, int messages, int callers, string payload)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            var target = new Target { Room = room };
            while (Interlocked.Increment(ref next) < messages)
            {
                await client.PublishAsync(new PublishRequest { Target = target, Event = "bench", Data = payload });
            }
        }));
    }

    /// <summary>Redis's own account of the publish script (calls, µs per call), from INFO commandstats.</summary>
    private static async Task<string> RedisScriptStatsAsync(int port)
    {
        try
        {
            var info = new ProcessStartInfo("redis-cli", ["-p", port.ToString(CultureInfo.InvariantCulture), "INFO", "commandstats"]) { RedirectStandardOutput = true };
            using var process = Process.Start(info)!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return string.Join("; ", text.Split('\n').Where(l => l.StartsWith("cmdstat_evalsha", StringComparison.Ordinal) || l.StartsWith("cmdstat_eval:", StringComparison.Ordinal)).Select(l => l.Trim()));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "(redis-cli not found)";
        }
    }

    private static string Get(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int Int(string[] args, string name, int fallback) =>
        int.Parse(Get(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    private readonly record struct Measurement(double Seconds, double PerSecond, double DispatcherCpu, double DispatcherMicros, double RedisMicros);
}
