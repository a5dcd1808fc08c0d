using System.Diagnostics.Metrics;

namespace FeedProxy.Observability;

/// <summary>
/// Process gauges under the names Prometheus users expect (process_resident_memory_bytes,
/// process_cpu_seconds_total, dotnet_gc_heap_bytes), read when scraped.
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
    }

    public void Dispose() => _meter.Dispose();
}
