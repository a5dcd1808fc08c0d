namespace FeedProxy.Push;

/// <summary>A Standard Webhooks endpoint and the changes it wants (events, and collections' member events).</summary>
internal sealed record Webhook(string Id, Uri Url, IReadOnlyList<string> Events, IReadOnlyList<string> Collections, string Secret, DateTimeOffset CreatedAt)
{
    public DateTimeOffset? LastAttempt { get; init; }
    public DateTimeOffset? LastSuccess { get; init; }
    public string? LastError { get; init; }
    public int Failures { get; init; }
}

/// <summary>A verified WebSub subscription (W3C WebSub section 5.1).</summary>
internal sealed record Subscription(long Id, Uri Topic, Topic Target, Uri Callback, string? Secret, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt);

/// <summary>What a delivery goes to.</summary>
internal enum TargetKind
{
    WebSub,
    Webhook,
}

/// <summary>
/// One message to one target, retried under the same <see cref="MessageId"/> until delivered
/// or out of retries. <see cref="Payload"/> is the webhook body; WebSub bodies are rendered
/// when sent (the topic's content at that moment, as WebSub section 7 asks).
/// </summary>
internal sealed record Delivery(long Id, TargetKind Kind, string TargetId, string DedupKey, string MessageId, string? Payload, int Attempts, DateTimeOffset NextAttemptAt);

/// <summary>Counts for /metrics and the admin API.</summary>
internal sealed record QueueCounts(long Pending, long Delivered, long Failed);

/// <summary>
/// Webhooks, WebSub subscriptions and the delivery queue: PostgreSQL (migration 0012, shared by
/// every instance; due deliveries claimed with FOR UPDATE SKIP LOCKED) or "push.json" in the
/// state folder (embedded mode). Enqueueing is idempotent on (target, dedup key), so every
/// instance may enqueue what it hears and each change still goes out once per target.
/// </summary>
internal interface IPushStore
{
    /// <summary>Creates or replaces; true when created.</summary>
    Task<bool> PutWebhookAsync(Webhook webhook, CancellationToken cancellationToken);

    Task<Webhook?> GetWebhookAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken cancellationToken);

    /// <summary>Also drops its pending deliveries. False when there was none.</summary>
    Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken);

    Task RecordWebhookResultAsync(string id, DateTimeOffset at, string? error, CancellationToken cancellationToken);

    /// <summary>Creates or renews (same topic and callback); returns the stored subscription.</summary>
    Task<Subscription> PutSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken);

    Task<bool> DeleteSubscriptionAsync(Uri topic, Uri callback, CancellationToken cancellationToken);

    Task<Subscription?> GetSubscriptionAsync(long id, CancellationToken cancellationToken);

    /// <summary>Unexpired subscriptions to topics showing this event or collection.</summary>
    Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(TopicKind kind, string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Unexpired subscriptions in total and for one callback host (expired ones are purged first).</summary>
    Task<(int Total, int ForHost)> CountSubscriptionsAsync(string callbackHost, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>False when this (target, dedup key) was enqueued before.</summary>
    Task<bool> EnqueueAsync(Delivery delivery, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Due pending deliveries not leased by anyone, leased to the caller until <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<Delivery>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    Task CompleteAsync(long id, CancellationToken cancellationToken);

    /// <summary>Back to pending at <paramref name="next"/>, or failed for good when <paramref name="next"/> is null.</summary>
    Task RetryAsync(long id, int attempts, DateTimeOffset? next, string error, CancellationToken cancellationToken);

    Task<QueueCounts> CountAsync(string? webhookId, CancellationToken cancellationToken);

    /// <summary>Forgets finished deliveries older than <paramref name="before"/>.</summary>
    Task PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
