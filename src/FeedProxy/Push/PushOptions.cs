namespace FeedProxy.Push;

/// <summary>Settings under "FeedProxy:Push" (environment: FeedProxy__Push__Name); docs/push.md.</summary>
public sealed class PushOptions
{
    /// <summary>How long a deleted public event or collection answers 410 Gone instead of 404, days.</summary>
    public int GoneRetentionDays { get; set; } = 90;

    /// <summary>WebSub lease granted when the subscriber asks for none, seconds (10 days).</summary>
    public int DefaultLeaseSeconds { get; set; } = 864_000;

    /// <summary>Longest WebSub lease granted, seconds (30 days); longer requests are shortened.</summary>
    public int MaxLeaseSeconds { get; set; } = 2_592_000;

    /// <summary>WebSub subscriptions per callback host (an abuser cannot fill the table from one host).</summary>
    public int MaxSubscriptionsPerHost { get; set; } = 100;

    /// <summary>WebSub subscriptions in total.</summary>
    public int MaxSubscriptions { get; set; } = 10_000;

    /// <summary>Webhooks in total.</summary>
    public int MaxWebhooks { get; set; } = 1_000;

    /// <summary>Deliveries sent at the same time by one instance.</summary>
    public int DeliveryConcurrency { get; set; } = 4;

    /// <summary>Largest body pushed to a subscriber, megabytes (a larger feed is not pushed; subscribers poll it).</summary>
    public int MaxBodyMegabytes { get; set; } = 5;

    /// <summary>Time cap of one delivery or verification request, seconds.</summary>
    public int RequestTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Waits before each retry of a failed delivery, seconds: the first retry comes within
    /// 10 s, then 5 min, 30 min, 2 h, 5 h and 10 h; after the last the delivery is dropped.
    /// </summary>
    public List<int> RetrySeconds { get; set; } = [5, 300, 1800, 7200, 18000, 36000];

    /// <summary>How often the queue is looked at for due deliveries when nothing wakes it, seconds.</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>How long a claimed delivery stays reserved for the instance sending it, seconds.</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>How long delivered and failed deliveries are kept (for status and de-duplication), days.</summary>
    public int DeliveryRetentionDays { get; set; } = 7;

    public long MaxBodyBytes => Math.Max(1, MaxBodyMegabytes) * 1024L * 1024;
}
