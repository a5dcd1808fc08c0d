using System.Diagnostics.Metrics;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Observability;

/// <summary>
/// The server's instruments (System.Diagnostics.Metrics, meter "FeedProxy"), exported at
/// /metrics in Prometheus text format. Names follow Prometheus conventions.
/// </summary>
internal sealed class FeedMetrics : IDisposable
{
    public const string MeterName = "FeedProxy";

    private readonly Meter _meter;

    public FeedMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        Requests = _meter.CreateCounter<long>("feedproxy_feed_requests_total", description: "Feed requests by format and status code (304 included).");
        CacheLookups = _meter.CreateCounter<long>("feedproxy_cache_lookups_total", description: "Rendered-feed cache lookups by level (memory, redis) and result (hit, miss).");
        RenderDuration = _meter.CreateHistogram<double>("feedproxy_render_duration_seconds", unit: "s", description: "Time to render and compress one representation.");
        StoreDuration = _meter.CreateHistogram<double>("feedproxy_store_duration_seconds", unit: "s", description: "Schedule store latency by operation (version, load).");
        StoreErrors = _meter.CreateCounter<long>("feedproxy_store_errors_total", description: "Schedule store failures (stale feeds served or 503).");
    }

    public Counter<long> Requests { get; }
    public Counter<long> CacheLookups { get; }
    public Histogram<double> RenderDuration { get; }
    public Histogram<double> StoreDuration { get; }
    public Counter<long> StoreErrors { get; }

    /// <summary>One feed request by format and status; the common statuses are boxed once, not per request.</summary>
    public void CountRequest(FeedFormat format, int status) =>
        Requests.Add(1, new KeyValuePair<string, object?>("format", format.Extension()), new KeyValuePair<string, object?>("status", status switch
        {
            StatusCodes.Status200OK => Status200,
            StatusCodes.Status304NotModified => Status304,
            _ => status,
        }));

    public void Dispose() => _meter.Dispose();

    private static readonly object Status200 = StatusCodes.Status200OK;
    private static readonly object Status304 = StatusCodes.Status304NotModified;
}
