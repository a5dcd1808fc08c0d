using System.Diagnostics.Metrics;
using FeedProxy.Observability;

namespace FeedProxy.Upstream;

/// <summary>Instruments of live sources, on the server's meter (exported at /metrics).</summary>
internal sealed class UpstreamMetrics : IDisposable
{
    private readonly Meter _meter;

    public UpstreamMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(FeedMetrics.MeterName);
        Fetches = _meter.CreateCounter<long>("feedproxy_upstream_fetches_total", description: "Upstream refreshes by result: 200 (a body), 304 (not modified), error.");
        Changes = _meter.CreateCounter<long>("feedproxy_upstream_changes_total", description: "Upstream refreshes that changed a stored schedule.");
        Bytes = _meter.CreateCounter<long>("feedproxy_upstream_bytes_total", description: "Upstream body bytes received, by source kind.");
        ParseDuration = _meter.CreateHistogram<double>("feedproxy_upstream_parse_duration_seconds", unit: "s", description: "Time to read a changed upstream body into a schedule, by source kind.");
    }

    public Counter<long> Fetches { get; }
    public Counter<long> Changes { get; }
    public Counter<long> Bytes { get; }
    public Histogram<double> ParseDuration { get; }

    public void Dispose() => _meter.Dispose();
}
