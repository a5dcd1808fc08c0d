using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Rendering;

namespace FeedProxy.Collections;

/// <summary>
/// Collection feeds: the <see cref="RenderPipeline"/> with the collection kind plugged in
/// (<see cref="CollectionFeedKind"/>), plus what the revalidation fast path, the pages and the
/// change feeds ask of collections (version, merged content).
/// </summary>
internal sealed class CollectionFeedService(
    ICollectionStore collections, RenderPipeline pipeline, CollectionFeedKind kind, CollectionVersions versions, CollectionLoader loader)
{
    /// <param name="request">Parsed request; <see cref="FeedRequest.EventId"/> is the collection id.</param>
    /// <param name="admitRender">Asked only when this request would start a render: null admits, else how long the client must wait.</param>
    /// <param name="wanted">The coding the client prefers: made before answering a miss, the others follow off the request path.</param>
    public async ValueTask<FeedResult> GetAsync(
        FeedRequest request, Uri baseUrl, Uri selfUrl, bool allowPrivate, CancellationToken cancellationToken,
        Func<TimeSpan?>? admitRender = null, ContentCoding wanted = ContentCoding.Identity)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await pipeline.GetAsync(kind, new CollectionFeedRequest(request, baseUrl, selfUrl, allowPrivate, wanted), admitRender, cancellationToken);
        return FeedResult.From(outcome, $"No collection '{request.EventId}'.");
    }

    /// <summary>
    /// The collection's current version, or null when it does not exist or the store fails
    /// (callers then take <see cref="GetAsync"/>, which handles both). For the revalidation
    /// fast path: in memory in both stores while nothing changed.
    /// </summary>
    public async ValueTask<string?> TryGetVersionAsync(string collectionId, CancellationToken cancellationToken)
    {
        try
        {
            var started = pipeline.StoreTimestamp();
            var version = await collections.GetAsync(collectionId, cancellationToken) is { } snapshot
                ? await versions.VersionAsync(snapshot, cancellationToken)
                : null;
            pipeline.RecordVersionLookup(started);
            return version;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <inheritdoc cref="CollectionVersions.VersionAsync"/>
    internal ValueTask<string> VersionAsync(CollectionSnapshot snapshot, CancellationToken cancellationToken) =>
        versions.VersionAsync(snapshot, cancellationToken);

    /// <inheritdoc cref="CollectionLoader.LoadAsync"/>
    internal Task<CollectionContent> LoadAsync(CollectionDefinition definition, bool allowPrivate, CancellationToken cancellationToken, RecurrenceMode mode = RecurrenceMode.Keep) =>
        loader.LoadAsync(definition, allowPrivate, cancellationToken, mode);

    public static string CacheTag(string collectionId) => "collection:" + collectionId;
}
