using System.Collections.Concurrent;

namespace FeedProxy.Caching;

/// <summary>Placeholder in-process store (unbounded); replaced by the bounded LRU store.</summary>
internal sealed class MemoryFeedCacheStore(TimeProvider time) : IFeedCacheStore
{
    private readonly ConcurrentDictionary<string, (byte[] Value, string[] Tags, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out var e) && e.Expires > time.GetUtcNow() ? e.Value : null);

    public ValueTask SetAsync(string key, byte[] value, string[] tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        _entries[key] = (value, tags, time.GetUtcNow() + validFor);
        return ValueTask.CompletedTask;
    }

    public ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Tags.Contains(tag))
            {
                _entries.TryRemove(key, out _);
            }
        }

        return ValueTask.CompletedTask;
    }
}
