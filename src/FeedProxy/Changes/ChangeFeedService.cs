using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Rendering;

namespace FeedProxy.Changes;

/// <summary>Change feeds of events and collections: the <see cref="RenderPipeline"/> with <see cref="ChangeFeedKind"/> plugged in.</summary>
internal sealed class ChangeFeedService(RenderPipeline pipeline, ChangeFeedKind kind)
{
    /// <summary>
    /// An event's change feed. <paramref name="privateToken"/> is the caller's already checked
    /// secret token: with it a private event's feed is served (links under the token, private
    /// caching); without it a private, unpublished or unknown event is one and the same 404.
    /// </summary>
    public async ValueTask<FeedResult> GetEventAsync(
        string eventId, FeedFormat format, Uri baseUrl, Uri selfUrl, Func<TimeSpan?> admitRender, CancellationToken cancellationToken, string? privateToken = null)
    {
        var outcome = await pipeline.GetAsync(kind, new ChangeFeedRequest(eventId, IsCollection: false, format, baseUrl, selfUrl, privateToken), admitRender, cancellationToken);
        return FeedResult.From(outcome, $"No event '{eventId}'.");
    }

    /// <summary>A public collection's change feed; any other collection answers as an unknown one.</summary>
    public async ValueTask<FeedResult> GetCollectionAsync(string collectionId, FeedFormat format, Uri baseUrl, Uri selfUrl, Func<TimeSpan?> admitRender, CancellationToken cancellationToken)
    {
        var outcome = await pipeline.GetAsync(kind, new ChangeFeedRequest(collectionId, IsCollection: true, format, baseUrl, selfUrl, PrivateToken: null), admitRender, cancellationToken);
        return FeedResult.From(outcome, $"No collection '{collectionId}'.");
    }
}
