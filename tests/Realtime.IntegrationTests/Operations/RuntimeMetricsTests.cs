using System.Globalization;
using System.Text.RegularExpressions;
using Realtime.TestKit;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// Issue 8.22: an operator can tell GC heap from RSS, see GC collections and thread-pool starvation
/// from <c>/metrics</c> of both services.
/// </summary>
public sealed partial class RuntimeMetricsTests
{
    [Fact]
    public async Task Metrics_OfEdgeAndDispatcher_CarryGcHeapCollectionsThreadPoolAndRss()
    {
        await using var cluster = await Cluster.StartAsync(edges: 1, settings: new Dictionary<string, string?> { ["Realtime:Dispatcher:Insecure"] = "true" });
        using var http = new HttpClient();
        foreach (var service in new[] { cluster.Edges[0], cluster.Dispatchers[0] })
        {
            var text = await http.GetStringAsync(new Uri(service.HttpUrl, "/metrics"));
            var samples = Samples(text);
            string Because(string what) => $"{service.ServerId} /metrics has no {what}; it has:\n{string.Join('\n', samples.Keys.Order(StringComparer.Ordinal))}";

            Assert.True(Positive(samples, "process_resident_memory_bytes"), Because("process_resident_memory_bytes > 0"));
            Assert.True(Positive(samples, "process_working_set_bytes"), Because("process_working_set_bytes > 0"));
            Assert.True(Positive(samples, "dotnet_gc_last_collection_heap_size_bytes"), Because("GC heap size per generation"));
            Assert.True(Positive(samples, "dotnet_total_memory_bytes"), Because("managed memory"));
            Assert.True(Has(samples, "dotnet_collection_count_total") && Has(samples, "dotnet_gc_collections_total"), Because("GC collection counts"));
            Assert.True(Has(samples, "dotnet_gc_pause_time_seconds_total"), Because("GC pause time"));
            Assert.True(Positive(samples, "dotnet_thread_pool_thread_count"), Because("thread-pool threads"));
            Assert.True(Has(samples, "dotnet_thread_pool_queue_length"), Because("thread-pool queue length"));
            Assert.True(Positive(samples, "dotnet_thread_pool_work_item_count_total"), Because("thread-pool completed work items"));

            // RSS and the managed heap are different numbers; RSS holds the heap.
            Assert.True(Sum(samples, "process_resident_memory_bytes") > Sum(samples, "dotnet_gc_last_collection_heap_size_bytes"), Because("RSS > GC heap"));
        }
    }

    /// <summary>Metric name (without labels and histogram suffixes) → values of its samples.</summary>
    private static Dictionary<string, List<double>> Samples(string exposition)
    {
        var samples = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (Match m in SampleLine().Matches(exposition))
        {
            var name = m.Groups["name"].Value;
            if (!samples.TryGetValue(name, out var values))
            {
                samples[name] = values = [];
            }

            values.Add(double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return samples;
    }

    private static bool Has(Dictionary<string, List<double>> samples, string name) => samples.ContainsKey(name);

    private static bool Positive(Dictionary<string, List<double>> samples, string name) => samples.TryGetValue(name, out var v) && v.Sum() > 0;

    private static double Sum(Dictionary<string, List<double>> samples, string name) => samples.TryGetValue(name, out var v) ? v.Sum() : 0;

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (?<value>[-+0-9.eEinfINFNa]+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
