using System.Diagnostics.Metrics;

namespace FeedProxy.Observability;

/// <summary>
/// Process gauges under the names Prometheus users expect (process_resident_memory_bytes,
/// process_cpu_seconds_total, dotnet_gc_heap_bytes), read when scraped; and the garbage
/// collector's work (dotnet_gc_collections_total by generation, dotnet_gc_pause_seconds_total,
/// dotnet_gc_allocated_bytes_total), which the benchmarks read around their measured requests
/// (the hot path's bytes allocated per request, the cold path's collections and pauses).
/// </summary>
internal sealed class ProcessMetrics : IDisposable
{
    public const string MeterName = "FeedProxy.Process";

    private readonly Meter _meter;

    public ProcessMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("process_resident_memory", () => Environment.WorkingSet, unit: "By", description: "Resident set size.");
        _meter.CreateObservableCounter("process_cpu", () => Environment.CpuUsage.TotalTime.TotalSeconds, unit: "s", description: "CPU time used.");
        _meter.CreateObservableGauge("dotnet_gc_heap", () => GC.GetTotalMemory(false), unit: "By", description: "Managed heap size.");
        _meter.CreateObservableCounter("dotnet_gc_collections", Collections, description: "Garbage collections by generation (a gen2 collection counts in gen0 and gen1 too).");
        _meter.CreateObservableCounter("dotnet_gc_allocated", () => GC.GetTotalAllocatedBytes(precise: false), unit: "By", description: "Bytes allocated on the managed heap since the process started.");
        _meter.CreateObservableCounter("dotnet_gc_pause", () => GC.GetTotalPauseDuration().TotalSeconds, unit: "s", description: "Time the runtime was paused for garbage collection.");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> Collections()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation), new KeyValuePair<string, object?>("generation", "gen" + generation));
        }
    }
}
