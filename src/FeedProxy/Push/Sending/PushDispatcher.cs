using System.Threading.Channels;
using FeedProxy.Changes;
using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Push.Webhooks;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Push.Sending;

/// <summary>
/// Turns schedule changes into deliveries. The store's change signal names every event whose
/// version moved, whatever changed it (admin API, import, file edit, upstream refresh) and on
/// whichever instance (PostgreSQL NOTIFY reaches all of them). For each, it enqueues:
/// a webhook message per change item the change log holds for that event (exactly what the
/// change feeds list) for every webhook naming the event or a collection containing it; and a
/// WebSub distribution of the new version to every subscriber of a topic showing the event.
/// Every instance enqueues what it hears; the queue's unique key keeps one per target.
/// </summary>
internal sealed partial class PushDispatcher(
    IEventStore events, ICollectionStore collections, IChangeLog changes, IPushStore store, FeedService feeds,
    DeliveryWorker worker, IOptions<FeedProxyOptions> options, TimeProvider time, ILogger<PushDispatcher> logger) : BackgroundService
{
    // Most change items one event change can enqueue per webhook (the change feed's own bound is similar).
    private const int MaxItemsPerChange = 200;

    private readonly Channel<string> _changed = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Raised after an event's change was turned into deliveries (tests wait on it).</summary>
    internal event Action<string>? Dispatched;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Changed += OnChanged;
        try
        {
            await foreach (var eventId in _changed.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await DispatchAsync(eventId, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(eventId, ex.GetType().Name, ex.Message);
                }

                Dispatched?.Invoke(eventId);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            events.Changed -= OnChanged;
        }
    }

    private void OnChanged(string eventId) => _changed.Writer.TryWrite(eventId);

    internal async Task DispatchAsync(string eventId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var memberOf = (await collections.ListAsync(cancellationToken))
            .Where(c => c.Definition.Members.Any(m => m.EventId == eventId))
            .ToList();
        var enqueued = 0;

        var webhooks = await store.ListWebhooksAsync(cancellationToken);
        EventSnapshot? snapshot = null;
        foreach (var webhook in webhooks)
        {
            string? collectionId = null;
            if (!webhook.Events.Contains(eventId))
            {
                collectionId = memberOf.Select(c => c.Definition.Id).FirstOrDefault(webhook.Collections.Contains);
                if (collectionId is null)
                {
                    continue;
                }
            }

            snapshot ??= await events.GetAsync(eventId, cancellationToken);
            var since = Instant.FromDateTimeOffset(webhook.CreatedAt);
            foreach (var change in await changes.ReadAsync([eventId], Instant.FromUnixTimeSeconds(since.ToUnixTimeSeconds()), MaxItemsPerChange, cancellationToken))
            {
                var key = $"{eventId}:{change.Id}";
                var body = WebhookMessage.Body(change, collectionId, feeds.UidDomain, SessionUrl(snapshot, eventId, change.SessionId));
                if (await store.EnqueueAsync(new Delivery(0, TargetKind.Webhook, webhook.Id, key, WebhookMessage.MessageId(webhook.Id, key), body, 0, now), now, cancellationToken))
                {
                    enqueued++;
                }
            }
        }

        var version = await events.GetVersionAsync(eventId, cancellationToken);
        if (version is not null)
        {
            var subscriptions = (await store.ListSubscriptionsAsync(TopicKind.Event, eventId, now, cancellationToken)).ToList();
            foreach (var collection in memberOf.Where(c => c.Definition.Visibility == EventVisibility.Public))
            {
                subscriptions.AddRange(await store.ListSubscriptionsAsync(TopicKind.Collection, collection.Definition.Id, now, cancellationToken));
            }

            foreach (var subscription in subscriptions)
            {
                var key = $"{eventId}:{version}";
                var id = subscription.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (await store.EnqueueAsync(new Delivery(0, TargetKind.WebSub, id, key, WebhookMessage.MessageId(id, key), null, 0, now), now, cancellationToken))
                {
                    enqueued++;
                }
            }
        }

        if (enqueued > 0)
        {
            LogEnqueued(enqueued, eventId);
            worker.Wake();
        }
    }

    private string? SessionUrl(EventSnapshot? snapshot, string eventId, string sessionId)
    {
        var own = snapshot?.Event.Sessions.FirstOrDefault(s => s.Id == sessionId)?.Url;
        if (own is not null && Uri.TryCreate(own, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttps || absolute.Scheme == Uri.UriSchemeHttp))
        {
            return absolute.AbsoluteUri;
        }

        // Without a configured public base URL a background message knows no host to link to.
        if (options.Value.PublicBaseUrl is not { } root)
        {
            return null;
        }

        var baseUrl = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        return new Uri(baseUrl, $"events/{Uri.EscapeDataString(eventId)}#session-{Uri.EscapeDataString(sessionId)}").AbsoluteUri;
    }

    [LoggerMessage(EventId = 9201, Level = LogLevel.Debug, Message = "Enqueued {Count} push deliveries for event {EventId}")]
    private partial void LogEnqueued(int count, string eventId);

    [LoggerMessage(EventId = 9202, Level = LogLevel.Warning, Message = "Enqueueing push deliveries for event {EventId} failed ({ErrorType}: {Message})")]
    private partial void LogFailed(string eventId, string errorType, string message);
}
