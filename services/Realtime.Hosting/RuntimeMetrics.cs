using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Prometheus;

namespace Realtime.Hosting;

/// <summary>
/// .NET runtime and process metrics in the service's own registry (a per-host registry leaves out
/// prometheus-net's default collectors):
/// <list type="bullet">
/// <item>prometheus-net's process and GC collectors: <c>process_cpu_seconds_total</c>,
/// <c>process_working_set_bytes</c>, <c>process_open_handles</c>, <c>process_num_threads</c>,
/// <c>dotnet_collection_count_total{generation}</c>, <c>dotnet_total_memory_bytes</c>, …;</item>
/// <item><c>process_resident_memory_bytes</c> (RSS), the name Prometheus' own clients use;</item>
/// <item>every instrument of the runtime's <c>System.Runtime</c> meter, named as OpenTelemetry's
/// Prometheus exporter names them (dots to underscores, the unit as a suffix, <c>_total</c> on
/// counters), so the usual .NET runtime dashboards work: <c>dotnet_gc_collections_total{gc_heap_generation}</c>,
/// <c>dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation}</c>, <c>dotnet_gc_pause_time_seconds_total</c>,
/// <c>dotnet_thread_pool_thread_count</c>, <c>dotnet_thread_pool_queue_length</c>,
/// <c>dotnet_thread_pool_work_item_count_total</c>, <c>dotnet_monitor_lock_contentions_total</c>, ….</item>
/// </list>
/// The runtime's instruments are all observable: they are read when <c>/metrics</c> is scraped.
/// </summary>
public sealed class RuntimeMetrics : IDisposable
{
    public const string RuntimeMeter = "System.Runtime";

    // Published as ObservableCounter by the runtime but documented (and behaving) as up-down counters.
    private static readonly HashSet<string> NotMonotonic = new(StringComparer.Ordinal)
    {
        "dotnet.thread_pool.thread.count",
        "dotnet.thread_pool.queue.length",
    };

    private readonly MeterListener _listener = new();
    private readonly MetricFactory _factory;
    private readonly ConcurrentDictionary<Instrument, Collector?> _collectors = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    public RuntimeMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        DotNetStats.Register(registry);
        _factory = Metrics.WithCustomRegistry(registry);
        var rss = _factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RuntimeMeter && instrument.IsObservable)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, m, tags, _) => Record(i, m, tags));
        _listener.SetMeasurementEventCallback<long>((i, m, tags, _) => Record(i, m, tags));
        _listener.SetMeasurementEventCallback<double>((i, m, tags, _) => Record(i, m, tags));
        _listener.Start();

        registry.AddBeforeCollectCallback(() =>
        {
            using (var process = Process.GetCurrentProcess())
            {
                rss.Set(process.WorkingSet64);
            }

            lock (_gate)
            {
                if (!_disposed)
                {
                    _listener.RecordObservableInstruments();
                }
            }
        });
    }

    /// <summary>The Prometheus name of a runtime instrument, e.g. dotnet.gc.pause.time (s, counter) → dotnet_gc_pause_time_seconds_total.</summary>
    public static string PrometheusName(string name, string? unit, bool counter)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = name.Replace('.', '_').Replace('-', '_');
        var suffix = unit switch
        {
            "By" => "_bytes",
            "s" => "_seconds",
            "ms" => "_milliseconds",
            _ => string.Empty,
        };
        if (suffix.Length > 0 && !result.EndsWith(suffix, StringComparison.Ordinal))
        {
            result += suffix;
        }

        return counter ? result + "_total" : result;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _listener.Dispose();
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var collector = _collectors.GetOrAdd(instrument, i => Create(i, sorted));
        if (collector is null)
        {
            return;
        }

        try
        {
            var labels = sorted.Select(t => t.Value?.ToString() ?? string.Empty).ToArray();
            switch (collector)
            {
                case Counter counter when labels.Length == 0:
                    counter.IncTo(value);
                    break;
                case Counter counter:
                    counter.WithLabels(labels).IncTo(value);
                    break;
                case Gauge gauge when labels.Length == 0:
                    gauge.Set(value);
                    break;
                case Gauge gauge:
                    gauge.WithLabels(labels).Set(value);
                    break;
            }
        }
        catch (ArgumentException)
        {
            // A measurement with another tag set than the first one: not representable, skipped.
        }
    }

    private Collector? Create(Instrument instrument, KeyValuePair<string, object?>[] tags)
    {
        var counter = instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(ObservableCounter<>)
            && !NotMonotonic.Contains(instrument.Name);
        var name = PrometheusName(instrument.Name, instrument.Unit, counter);
        var help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
        var labels = tags.Select(t => t.Key.Replace('.', '_').Replace('-', '_')).ToArray();
        try
        {
            return counter ? _factory.CreateCounter(name, help, labels) : _factory.CreateGauge(name, help, labels);
        }
        catch (InvalidOperationException)
        {
            // The name is taken by another collector of this registry: leave the instrument out.
            return null;
        }
    }
}
