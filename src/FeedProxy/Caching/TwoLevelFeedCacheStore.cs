namespace FeedProxy.Caching;

/// <summary>
/// In-process cache in front of the shared Redis cache. Reads try memory, then Redis; a Redis
/// hit is copied into memory with the tags and remaining lifetime it was stored with, so a
/// later <see cref="EvictByTagAsync"/> removes it from both. Writes and evictions go to both.
/// Entries need no cross-instance invalidation: their keys contain the event version.
/// </summary>
public sealed class TwoLevelFeedCacheStore : IFeedCacheStore
{
    private readonly MemoryFeedCacheStore _memory;
    private readonly RedisFeedCacheStore _redis;
    private readonly TimeProvider _time;

    public TwoLevelFeedCacheStore(MemoryFeedCacheStore memory, RedisFeedCacheStore redis, TimeProvider? timeProvider = null)
    {
        _memory = memory ?? throw new ArgumentNullException(nameof(memory));
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _time = timeProvider ?? TimeProvider.System;
    }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var local = await _memory.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (local is not null)
        {
            return local;
        }

        var shared = await _redis.GetEntryAsync(key, cancellationToken).ConfigureAwait(false);
        if (shared is null)
        {
            return null;
        }

        var remaining = shared.Expires - _time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            await _memory.SetAsync(key, shared.Value, shared.Tags, remaining, cancellationToken).ConfigureAwait(false);
        }

        return shared.Value;
    }

    public async ValueTask SetAsync(string key, byte[] value, string[] tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        await _memory.SetAsync(key, value, tags, validFor, cancellationToken).ConfigureAwait(false);
        await _redis.SetAsync(key, value, tags, validFor, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        await _memory.EvictByTagAsync(tag, cancellationToken).ConfigureAwait(false);
        await _redis.EvictByTagAsync(tag, cancellationToken).ConfigureAwait(false);
    }
}
