namespace FeedProxy.Caching;

/// <summary>
/// Byte-oriented, tag-aware cache of rendered feeds, shaped like ASP.NET Core's
/// IOutputCacheStore. Keys already contain the event version and the representation, so a
/// stale entry is simply never asked for again; tags (the event id) let an edit evict all
/// representations at once. Implementations: in-process (bounded) and Redis.
/// </summary>
public interface IFeedCacheStore
{
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    ValueTask SetAsync(string key, byte[] value, string[] tags, TimeSpan validFor, CancellationToken cancellationToken);

    ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken);
}
