using System.Text.Json;
using FeedProxy.Agenda;
using Microsoft.Extensions.Options;

namespace FeedProxy.Push;

/// <summary>
/// The embedded mode's push state: webhooks, subscriptions and the delivery queue in
/// "push.json" under the state path, rewritten atomically after every change, so pending
/// deliveries survive a restart. One process owns the state folder, so a lock is the claim.
/// Without a state path everything lives in memory only.
/// </summary>
internal sealed class FilePushStore : IPushStore
{
    private readonly string? _path;
    private readonly Lock _gate = new();
    private State? _state;

    public FilePushStore(IOptions<FeedProxyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = options.Value.StatePath;
        _path = string.IsNullOrWhiteSpace(folder) ? null : Path.GetFullPath(Path.Combine(folder, "push.json"));
    }

    private sealed class State
    {
        public List<Webhook> Webhooks { get; set; } = [];
        public List<StoredSubscription> Subscriptions { get; set; } = [];
        public List<StoredDelivery> Deliveries { get; set; } = [];
        public long NextId { get; set; } = 1;
    }

    private sealed record StoredSubscription(long Id, Uri Topic, TopicKind Kind, string TopicId, Uri Callback, string? Secret, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt);

    private sealed record StoredDelivery(Delivery Delivery, string State, DateTimeOffset CreatedAt, DateTimeOffset? LeaseUntil);

    private T Locked<T>(Func<State, T> action, bool save)
    {
        lock (_gate)
        {
            var state = _state ??= Load();
            var result = action(state);
            if (save && _path is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                SecretFile.WriteAtomically(_path, JsonSerializer.Serialize(state));
            }

            return result;
        }
    }

    private State Load()
    {
        if (_path is null || !File.Exists(_path))
        {
            return new State();
        }

        return JsonSerializer.Deserialize<State>(File.ReadAllBytes(_path)) ?? new State();
    }

    public Task<bool> PutWebhookAsync(Webhook webhook, CancellationToken cancellationToken) => Task.FromResult(Locked(s =>
    {
        var index = s.Webhooks.FindIndex(w => w.Id == webhook.Id);
        if (index >= 0)
        {
            var old = s.Webhooks[index];
            s.Webhooks[index] = webhook with { CreatedAt = old.CreatedAt, LastAttempt = old.LastAttempt, LastSuccess = old.LastSuccess, LastError = old.LastError, Failures = old.Failures };
            return false;
        }

        s.Webhooks.Add(webhook);
        return true;
    }, save: true));

    public Task<Webhook?> GetWebhookAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Locked(s => s.Webhooks.Find(w => w.Id == id), save: false));

    public Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Locked<IReadOnlyList<Webhook>>(s => [.. s.Webhooks.OrderBy(w => w.Id, StringComparer.Ordinal)], save: false));

    public Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Locked(s =>
    {
        s.Deliveries.RemoveAll(d => d.Delivery.Kind == TargetKind.Webhook && d.Delivery.TargetId == id);
        return s.Webhooks.RemoveAll(w => w.Id == id) > 0;
    }, save: true));

    public Task RecordWebhookResultAsync(string id, DateTimeOffset at, string? error, CancellationToken cancellationToken) => Task.FromResult(Locked(s =>
    {
        var index = s.Webhooks.FindIndex(w => w.Id == id);
        if (index >= 0)
        {
            var w = s.Webhooks[index];
            s.Webhooks[index] = error is null
                ? w with { LastAttempt = at, LastSuccess = at }
                : w with { LastAttempt = at, LastError = error, Failures = w.Failures + 1 };
        }

        return 0;
    }, save: true));

    public Task<Subscription> PutSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken) => Task.FromResult(Locked(s =>
    {
        var index = s.Subscriptions.FindIndex(x => x.Topic == subscription.Topic && x.Callback == subscription.Callback);
        var stored = index >= 0
            ? s.Subscriptions[index] with { Secret = subscription.Secret, ExpiresAt = subscription.ExpiresAt }
            : new StoredSubscription(s.NextId++, subscription.Topic, subscription.Target.Kind, subscription.Target.Id, subscription.Callback, subscription.Secret, subscription.ExpiresAt, subscription.CreatedAt);
        if (index >= 0)
        {
            s.Subscriptions[index] = stored;
        }
        else
        {
            s.Subscriptions.Add(stored);
        }

        return ToSubscription(stored);
    }, save: true));

    public Task<bool> DeleteSubscriptionAsync(Uri topic, Uri callback, CancellationToken cancellationToken) =>
        Task.FromResult(Locked(s => s.Subscriptions.RemoveAll(x => x.Topic == topic && x.Callback == callback) > 0, save: true));

    public Task<Subscription?> GetSubscriptionAsync(long id, CancellationToken cancellationToken) =>
        Task.FromResult(Locked(s => s.Subscriptions.Find(x => x.Id == id) is { } found ? ToSubscription(found) : null, save: false));

    public Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(TopicKind kind, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(Locked<IReadOnlyList<Subscription>>(s => [.. s.Subscriptions.Where(x => x.Kind == kind && x.TopicId == id && x.ExpiresAt > now).Select(ToSubscription)], save: false));

    public Task<(int Total, int ForHost)> CountSubscriptionsAsync(string callbackHost, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(Locked(s =>
    {
        s.Subscriptions.RemoveAll(x => x.ExpiresAt <= now);
        return (s.Subscriptions.Count, s.Subscriptions.Count(x => string.Equals(x.Callback.IdnHost, callbackHost, StringComparison.OrdinalIgnoreCase)));
    }, save: true));

    public Task<bool> EnqueueAsync(Delivery delivery, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(Locked(s =>
    {
        if (s.Deliveries.Exists(d => d.Delivery.Kind == delivery.Kind && d.Delivery.TargetId == delivery.TargetId && d.Delivery.DedupKey == delivery.DedupKey))
        {
            return false;
        }

        s.Deliveries.Add(new StoredDelivery(delivery with { Id = s.NextId++ }, "pending", now, null));
        return true;
    }, save: true));

    public Task<IReadOnlyList<Delivery>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) => Task.FromResult(Locked<IReadOnlyList<Delivery>>(s =>
    {
        var due = s.Deliveries
            .Select((d, i) => (d, i))
            .Where(x => x.d.State == "pending" && x.d.Delivery.NextAttemptAt <= now && (x.d.LeaseUntil is null || x.d.LeaseUntil <= now))
            .OrderBy(x => x.d.Delivery.NextAttemptAt).ThenBy(x => x.d.Delivery.Id)
            .Take(max)
            .ToList();
        foreach (var (d, i) in due)
        {
            s.Deliveries[i] = d with { LeaseUntil = leaseUntil };
        }

        return [.. due.Select(x => x.d.Delivery)];
    }, save: false));

    public Task CompleteAsync(long id, CancellationToken cancellationToken) =>
        Update(id, d => d with { State = "delivered", LeaseUntil = null, Delivery = d.Delivery with { Attempts = d.Delivery.Attempts + 1 } });

    public Task RetryAsync(long id, int attempts, DateTimeOffset? next, string error, CancellationToken cancellationToken) =>
        Update(id, d => d with
        {
            State = next is null ? "failed" : "pending",
            LeaseUntil = null,
            Delivery = d.Delivery with { Attempts = attempts, NextAttemptAt = next ?? d.Delivery.NextAttemptAt },
        });

    public Task<QueueCounts> CountAsync(string? webhookId, CancellationToken cancellationToken) => Task.FromResult(Locked(s =>
    {
        var mine = s.Deliveries.Where(d => webhookId is null || (d.Delivery.Kind == TargetKind.Webhook && d.Delivery.TargetId == webhookId)).ToList();
        return new QueueCounts(mine.Count(d => d.State == "pending"), mine.Count(d => d.State == "delivered"), mine.Count(d => d.State == "failed"));
    }, save: false));

    public Task PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Task.FromResult(Locked(s => s.Deliveries.RemoveAll(d => d.State != "pending" && d.CreatedAt < before), save: true));

    private Task<int> Update(long id, Func<StoredDelivery, StoredDelivery> change) => Task.FromResult(Locked(s =>
    {
        var index = s.Deliveries.FindIndex(d => d.Delivery.Id == id);
        if (index >= 0)
        {
            s.Deliveries[index] = change(s.Deliveries[index]);
        }

        return 0;
    }, save: true));

    private static Subscription ToSubscription(StoredSubscription s) =>
        new(s.Id, s.Topic, Topic.TryParsePath(PostgresPushStore.TopicPath(s.Topic), out var t) ? t! : new Topic(s.Kind, s.TopicId, Formats.Feeds.FeedFormat.ICalendar, false), s.Callback, s.Secret, s.ExpiresAt, s.CreatedAt);
}
