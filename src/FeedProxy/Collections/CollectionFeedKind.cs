using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Observability;
using FeedProxy.Rendering;

namespace FeedProxy.Collections;

/// <summary>One request for a collection's feed.</summary>
internal sealed class CollectionFeedRequest(FeedRequest request, Uri baseUrl, Uri selfUrl, bool isPrivate, ContentCoding wanted) : IFeedRenderRequest
{
    public FeedRequest Request => request;

    public Uri BaseUrl => baseUrl;

    public Uri SelfUrl => selfUrl;

    public string Id => request.EventId;

    public bool IsPrivate => isPrivate;

    public ContentCoding Wanted => wanted;

    public string Representation { get; } = request.RepresentationKeyWith(selfUrl.AbsoluteUri, isPrivate ? "p" : "-");

    /// <summary>The definition the version was computed from, so the render shows exactly that version.</summary>
    public CollectionSnapshot? Snapshot { get; set; }
}

/// <summary>
/// Collection feeds in the render pipeline: versioned by the definition and every member
/// event (<see cref="CollectionVersions"/>), so any member edit makes a new cache key at once;
/// the ETag is the hash of the rendered bytes, so it changes when, and only when, what the
/// feed shows changes. A private collection without its token answers as an unknown one.
/// </summary>
internal sealed class CollectionFeedKind(
    ICollectionStore collections, CollectionVersions versions, CollectionLoader loader, FeedSettings settings, TimeProvider time, FeedMetrics metrics)
    : RenderedFeedKind<CollectionFeedRequest>("collection")
{
    private static readonly KeyValuePair<string, object?> LoadOperation = new("operation", "load");

    public override string CacheTag(string id) => CollectionFeedService.CacheTag(id);

    public override async ValueTask<string?> GetVersionAsync(CollectionFeedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = await collections.GetAsync(request.Id, cancellationToken);
        if (snapshot is null || (snapshot.Definition.Visibility == EventVisibility.Private && !request.IsPrivate))
        {
            return null;
        }

        request.Snapshot = snapshot;
        return await versions.VersionAsync(snapshot, cancellationToken);
    }

    public override async Task<RenderOutcome<RenderedFeed>> RenderAsync(CollectionFeedRequest request, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.Snapshot ?? await collections.GetAsync(request.Id, CancellationToken.None)) is not { } snapshot)
        {
            return RenderOutcome<RenderedFeed>.HiddenOutcome;
        }

        var feedRequest = request.Request;
        var started = time.GetTimestamp();
        var content = await loader.LoadAsync(snapshot.Definition, request.IsPrivate, CancellationToken.None, FeedSelection.ModeFor(feedRequest.Format, feedRequest.Options));
        metrics.StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, LoadOperation);
        var document = new FeedDocument
        {
            Event = content.Calendar,
            Kind = "collections",
            Sessions = content.Sessions,
            Origins = content.Origins,
            SelfUrl = request.SelfUrl,
            HubUrl = snapshot.Definition.Visibility == EventVisibility.Public ? Push.HubLinks.HubUrl(request.BaseUrl) : null,
            PageUrl = snapshot.Definition.Visibility == EventVisibility.Public ? new Uri(request.BaseUrl, $"collections/{Uri.EscapeDataString(snapshot.Definition.Id)}") : null,
            UidDomain = settings.UidDomain,
            RefreshInterval = settings.RefreshInterval,
            Options = feedRequest.Options,
        };

        // As for event feeds: the coding asked for now, the others off the request path.
        var renderStarted = time.GetTimestamp();
        var feed = FeedRenderer.With(FeedRenderer.RenderIdentity(document, feedRequest.Format), request.Wanted);
        metrics.RenderDuration.Record(time.GetElapsedTime(renderStarted).TotalSeconds, new KeyValuePair<string, object?>("format", feedRequest.Format.Extension()));
        return RenderOutcome<RenderedFeed>.Rendered(feed);
    }
}
