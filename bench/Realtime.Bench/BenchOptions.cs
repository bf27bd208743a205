using System.Globalization;

namespace Realtime.Bench;

/// <summary>Command-line options. Every system under test gets the same workload.</summary>
internal sealed record BenchOptions(
    string System,
    int Connections,
    int Rooms,
    int Messages,
    int Payload,
    int Publishers,
    int Warmup,
    int Rate,
    int? RoomHistory,
    double? MaxLoad,
    int MaxLoadWaitSeconds,
    string EdgeDll,
    string DispatcherDll,
    string SignalRDll,
    string SocketIoDir,
    string Node,
    string? Out,
    string FloorDll,
    int Shards = 1)
{
    public static readonly string[] Systems = ["realtime", "signalr", "socketio", "floor"];

    public static BenchOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var options = new BenchOptions(
            Get("system", "realtime"),
            Int("connections", 4000),
            Int("rooms", 20),
            Int("messages", 2000),
            Int("payload", 100),
            Int("publishers", 16),
            Int("warmup", 0),
            Int("rate", 0),
            args.Contains("--room-history") ? Int("room-history", 100) : null,
            args.Contains("--max-load") ? double.Parse(Get("max-load", "1"), CultureInfo.InvariantCulture) : null,
            Int("max-load-wait", 300),
            Get("edge-dll", "services/Realtime.Edge/bin/Release/net10.0/Realtime.Edge.dll"),
            Get("dispatcher-dll", "services/Realtime.Dispatcher/bin/Release/net10.0/Realtime.Dispatcher.dll"),
            Get("signalr-dll", "bench/peers/signalr/bin/Release/net10.0/Realtime.Bench.SignalRPeer.dll"),
            Get("socketio-dir", "bench/peers/socketio"),
            Get("node", "node"),
            args.Contains("--out") ? Get("out", "bench/results/results.md") : null,
            Get("floor-dll", "bench/peers/floor/bin/Release/net10.0/Realtime.Bench.FloorPeer.dll"),
            Int("shards", 1));
        if (options.Shards is < 1 or > 16 || (options.Shards > 1 && options.System != "realtime"))
        {
            throw new ArgumentException("--shards 1..16 (Realtime only: N independent redis-servers, REDIS_SHARDS)");
        }

        if (!Systems.Contains(options.System))
        {
            throw new ArgumentException("--system realtime|signalr|socketio|floor");
        }

        if (options.Connections is < 1 or > 15000 || options.Rooms is < 1 or > 10000 || options.Messages is < 1 or > 1_000_000
            || options.Payload is < 11 or > 64 * 1024 || options.Publishers is < 1 or > 256 || options.Warmup is < 0 or > 100_000 || options.Rate is < 0 or > 1_000_000
            || options.RoomHistory is < 0 || options.MaxLoadWaitSeconds is < 0 or > 3600)
        {
            throw new ArgumentException("connections 1..15000 (the per-process open-file limit here is 20000), rooms 1..10000, messages 1..1000000, payload 11..65536, publishers 1..256, warmup 0..100000, rate 0..1000000, max-load-wait 0..3600");
        }

        return options;
    }
}
