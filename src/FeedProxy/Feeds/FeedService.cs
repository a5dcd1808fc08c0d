using FeedProxy.Formats.Feeds;
using FeedProxy.Rendering;
using FeedProxy.Storage;

namespace FeedProxy.Feeds;

/// <summary>
/// Event feeds: the <see cref="RenderPipeline"/> with the event kind plugged in
/// (<see cref="EventFeedKind"/>), plus what the revalidation fast path and the pages ask of
/// events (version, cached entry, selection rules).
/// </summary>
internal sealed class FeedService(IEventStore store, RenderPipeline pipeline, EventFeedKind kind, FeedSettings settings)
{
    /// <param name="request">The parsed request.</param>
    /// <param name="baseUrl">Scheme, host and path base the self links are built from.</param>
    /// <param name="selfUrl">Absolute URL of the feed as requested.</param>
    /// <param name="allowPrivate">True when the request came through a valid private token.</param>
    /// <param name="wanted">The coding the client prefers: on a cache miss it is the one made before answering, the others follow off the request path.</param>
    /// <param name="admitRender">
    /// Asked only when this request would start a render: null admits, a wait refuses. Cache
    /// hits, 304s and joining a render already running cost the client nothing.
    /// </param>
    public async ValueTask<FeedResult> GetAsync(
        FeedRequest request, Uri baseUrl, Uri selfUrl, bool allowPrivate, CancellationToken cancellationToken,
        ContentCoding wanted = ContentCoding.Identity, Func<TimeSpan?>? admitRender = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await pipeline.GetAsync(kind, new EventFeedRequest(request, baseUrl, selfUrl, allowPrivate, wanted), admitRender, cancellationToken);
        return FeedResult.From(outcome, $"No event '{request.EventId}'.");
    }

    /// <summary>The event's current version, or null when it is unknown or the store fails (callers then take <see cref="GetAsync"/>, which handles both).</summary>
    public async ValueTask<string?> TryGetVersionAsync(string eventId, CancellationToken cancellationToken)
    {
        try
        {
            var started = pipeline.StoreTimestamp();
            var version = await store.GetVersionAsync(eventId, cancellationToken);
            pipeline.RecordVersionLookup(started);
            return version;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Selection depends on the clock, so cache entries are per hour.</summary>
    public long CurrentHour() => pipeline.CurrentHour();

    /// <summary>
    /// The cached feed of a known cache entry (of any feed kind) when it is still there; null
    /// when evicted, expired or unreadable (the caller then takes the full path, which renders again).
    /// </summary>
    public ValueTask<RenderedFeed?> GetCachedAsync(CacheEntry entry, CancellationToken cancellationToken) =>
        pipeline.GetCachedAsync(kind, entry, cancellationToken);

    public static string CacheTag(string eventId) => "event:" + eventId;

    /// <summary>The selection rules of every public listing (feeds and the subscribe page).</summary>
    internal SelectionPolicy Policy() => settings.Policy();

    internal string UidDomain => settings.UidDomain;
}
