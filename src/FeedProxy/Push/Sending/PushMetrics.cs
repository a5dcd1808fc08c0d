using System.Diagnostics.Metrics;

namespace FeedProxy.Push.Sending;

/// <summary>
/// Push instruments on the "FeedProxy" meter (exported at /metrics): deliveries by kind and
/// result, and gauges of subscriptions, webhooks and the retry queue, as last read by the
/// delivery worker.
/// </summary>
internal sealed class PushMetrics
{
    private long _subscriptions;
    private long _webhooks;
    private long _pending;

    public PushMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Observability.FeedMetrics.MeterName);
        Deliveries = meter.CreateCounter<long>("feedproxy_push_deliveries_total", description: "Push deliveries by kind (websub, webhook) and result (delivered, retry, failed, dropped).");
        meter.CreateObservableGauge("feedproxy_push_subscriptions", () => Interlocked.Read(ref _subscriptions), description: "Active WebSub subscriptions.");
        meter.CreateObservableGauge("feedproxy_push_webhooks", () => Interlocked.Read(ref _webhooks), description: "Configured webhooks.");
        meter.CreateObservableGauge("feedproxy_push_queue_pending", () => Interlocked.Read(ref _pending), description: "Deliveries waiting for their first attempt or a retry.");
    }

    public Counter<long> Deliveries { get; }

    public void Count(TargetKind kind, string result) =>
        Deliveries.Add(1, new KeyValuePair<string, object?>("kind", kind == TargetKind.WebSub ? "websub" : "webhook"), new KeyValuePair<string, object?>("result", result));

    public void Observe(long subscriptions, long webhooks, long pending)
    {
        Interlocked.Exchange(ref _subscriptions, subscriptions);
        Interlocked.Exchange(ref _webhooks, webhooks);
        Interlocked.Exchange(ref _pending, pending);
    }
}
