using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Observability;
using FeedProxy.Rendering;
using FeedProxy.Storage;
using NodaTime;

namespace FeedProxy.Feeds;

/// <summary>One request for an event's feed.</summary>
/// <param name="BaseUrl">Scheme, host and path base the self links are built from.</param>
/// <param name="SelfUrl">Absolute URL of the feed as requested.</param>
/// <param name="IsPrivate">True when the request came through a valid private token.</param>
/// <param name="Wanted">The coding the client prefers: on a miss it is made before answering, the others follow off the request path.</param>
internal sealed record EventFeedRequest(FeedRequest Request, Uri BaseUrl, Uri SelfUrl, bool IsPrivate, ContentCoding Wanted) : IFeedRenderRequest
{
    public string Id => Request.EventId;

    public string Representation { get; } = Request.RepresentationKeyWith(SelfUrl.AbsoluteUri, IsPrivate ? "p" : "-");
}

/// <summary>
/// Event feeds in the render pipeline: versioned by the event store (in memory while
/// nothing changed), rendered from the event's snapshot; private and unpublished events are
/// hidden from readers without the token, exactly like unknown ones.
/// </summary>
internal sealed partial class EventFeedKind(
    IEventStore store, RenderPipeline pipeline, FeedSettings settings, TimeProvider time, FeedMetrics metrics, ILogger<EventFeedKind> logger)
    : RenderedFeedKind<EventFeedRequest>("feed")
{
    private static readonly KeyValuePair<string, object?> LoadOperation = new("operation", "load");
    private readonly RenderSizes _sizes = new();

    public override string CacheTag(string id) => FeedService.CacheTag(id);

    public override ValueTask<string?> GetVersionAsync(EventFeedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return store.GetVersionAsync(request.Id, cancellationToken);
    }

    public override async Task<RenderOutcome<RenderedFeed>> RenderAsync(EventFeedRequest request, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(entry);
        var loadStarted = time.GetTimestamp();
        var snapshot = await store.GetAsync(request.Id, CancellationToken.None);
        metrics.StoreDuration.Record(time.GetElapsedTime(loadStarted).TotalSeconds, LoadOperation);
        if (snapshot is null)
        {
            return RenderOutcome<RenderedFeed>.HiddenOutcome;
        }

        var schedule = snapshot.Event;
        if (!schedule.Published || (schedule.Visibility == EventVisibility.Private && !request.IsPrivate))
        {
            return RenderOutcome<RenderedFeed>.HiddenOutcome;
        }

        var feedRequest = request.Request;
        var policy = settings.Policy();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var filter = feedRequest.ResolveFilter(schedule, FeedSelection.Visible(schedule, policy, now), out var filterError);
        if (filterError is not null)
        {
            return RenderOutcome<RenderedFeed>.Rejected(filterError);
        }

        var sessions = FeedSelection.Select(schedule, policy, now, filter, FeedSelection.ModeFor(feedRequest.Format, feedRequest.Options));
        if (feedRequest.SessionId is not null && sessions.Count == 0)
        {
            return RenderOutcome<RenderedFeed>.Missing($"No session '{feedRequest.SessionId}' in event '{request.Id}'.");
        }

        if (feedRequest.Occurrence is { } occurrence)
        {
            // One occurrence as a plain VEVENT of its own (OccurrenceSelection says why).
            var kept = FeedSelection.Select(schedule, policy, now, filter, RecurrenceMode.Keep);
            var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
            if (kept.Count == 0 || OccurrenceSelection.Pick(kept[0], zone, occurrence) is not { } single)
            {
                return RenderOutcome<RenderedFeed>.Missing($"Session '{feedRequest.SessionId}' has no such occurrence.");
            }

            sessions = [single];
        }

        var document = new FeedDocument
        {
            Event = schedule,
            Sessions = sessions,
            SelfUrl = request.SelfUrl,
            HubUrl = schedule.Visibility == EventVisibility.Public && feedRequest.SessionId is null ? Push.HubLinks.HubUrl(request.BaseUrl) : null,
            PageUrl = schedule.Visibility == EventVisibility.Public ? new Uri(request.BaseUrl, $"events/{Uri.EscapeDataString(schedule.Id)}") : null,
            UidDomain = settings.UidDomain,
            IsSubscription = feedRequest.SessionId is null,
            RefreshInterval = settings.RefreshInterval,
            Options = feedRequest.Options,
            Subtitle = feedRequest.DescribeFilters(),
        };

        // Rendered once; answered from the identity bytes or the one coding asked for. The
        // pipeline makes the other codings off the request path and caches only the complete feed.
        var started = time.GetTimestamp();
        var identity = FeedRenderer.RenderIdentity(document, feedRequest.Format, _sizes.Hint(feedRequest.Format, sessions.Count));
        _sizes.Observe(feedRequest.Format, sessions.Count, identity.Identity.Length);
        var feed = FeedRenderer.With(identity, request.Wanted);
        var elapsed = time.GetElapsedTime(started);
        metrics.RenderDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("format", feedRequest.Format.Extension()));
        LogRendered(request.Id, feedRequest.Format, sessions.Count, feed.Identity.Length, elapsed.TotalMilliseconds);
        var firstSeen = await pipeline.FirstSeenAsync(CacheTag(request.Id), snapshot.Version);
        return RenderOutcome<RenderedFeed>.Rendered(feed.WithLastModified(Instant.Min(feed.LastModified, firstSeen)));
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Rendered {EventId} as {Format}: {Sessions} sessions, {Bytes} bytes in {Milliseconds:F1} ms")]
    private partial void LogRendered(string eventId, FeedFormat format, int sessions, int bytes, double milliseconds);
}
