using System.Globalization;

namespace Realtime.Bench;

internal sealed record BenchOptions(int Connections, int Rooms, int Messages, int Payload, int Publishers, string EdgeDll, string DispatcherDll, string? Out)
{
    public static BenchOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var options = new BenchOptions(
            Int("connections", 4000),
            Int("rooms", 20),
            Int("messages", 2000),
            Int("payload", 100),
            Int("publishers", 16),
            Get("edge-dll", "services/Realtime.Edge/bin/Release/net10.0/Realtime.Edge.dll"),
            Get("dispatcher-dll", "services/Realtime.Dispatcher/bin/Release/net10.0/Realtime.Dispatcher.dll"),
            args.Contains("--out") ? Get("out", "bench/results/results.md") : null);
        if (options.Connections is < 1 or > 15000 || options.Rooms < 1 || options.Messages is < 1 or > 1_000_000)
        {
            throw new ArgumentException("connections 1..15000 (the per-process open-file limit here is 20000), rooms >= 1, messages 1..1000000");
        }

        return options;
    }
}
