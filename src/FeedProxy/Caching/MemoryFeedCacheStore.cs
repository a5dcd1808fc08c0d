namespace FeedProxy.Caching;

/// <summary>Limits of <see cref="MemoryFeedCacheStore"/>.</summary>
public sealed class MemoryFeedCacheOptions
{
    /// <summary>Upper bound of the managed heap the entries occupy (<see cref="EntrySize"/>). Default 128 MB.</summary>
    public long MaxBytes { get; set; } = 128L * 1024 * 1024;
}

/// <summary>
/// In-process <see cref="IFeedCacheStore"/>: least-recently-used eviction under a byte budget,
/// per-entry expiry (checked on read, using the injected <see cref="TimeProvider"/>) and a tag
/// index for <see cref="EvictByTagAsync"/>. A value larger than the whole budget is not
/// stored. One lock guards everything: every operation is a few dictionary and list steps,
/// far cheaper than the rendering it saves. Thread-safe.
/// </summary>
public sealed class MemoryFeedCacheStore : IFeedCacheStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _keysByTag = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _lru = new(); // most recently used first
    private readonly TimeProvider _time;
    private readonly long _maxBytes;
    private long _bytes;

    public MemoryFeedCacheStore(MemoryFeedCacheOptions? options = null, TimeProvider? timeProvider = null)
    {
        _maxBytes = (options ?? new MemoryFeedCacheOptions()).MaxBytes;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_maxBytes);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Managed heap held by the entries, as <see cref="EntrySize"/> counts it (for tests and metrics).</summary>
    public long Size
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Number of entries currently held, expired ones included until touched.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ValueTask.FromResult(Get(key, out _, out _));
    }

    /// <summary>The value with its tags and remaining lifetime, or null (used by <see cref="TwoLevelFeedCacheStore"/>).</summary>
    internal byte[]? Get(string key, out string[] tags, out TimeSpan remaining)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                var entry = node.Value;
                if (entry.Expires > now)
                {
                    _lru.Remove(node);
                    _lru.AddFirst(node);
                    tags = entry.Tags;
                    remaining = entry.Expires - now;
                    return entry.Value;
                }

                Remove(node);
            }
        }

        tags = [];
        remaining = TimeSpan.Zero;
        return null;
    }

    public ValueTask SetAsync(string key, byte[] value, string[] tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(tags);
        if (validFor <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        var entry = new Entry(key, value, [.. tags], _time.GetUtcNow() + validFor, EntrySize.Of(key, value, tags));
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                Remove(existing);
            }

            if (entry.Cost > _maxBytes)
            {
                return ValueTask.CompletedTask;
            }

            while (_bytes + entry.Cost > _maxBytes && _lru.Last is { } oldest)
            {
                Remove(oldest);
            }

            _entries[key] = _lru.AddFirst(entry);
            _bytes += entry.Cost;
            foreach (var tag in entry.Tags)
            {
                if (!_keysByTag.TryGetValue(tag, out var keys))
                {
                    _keysByTag[tag] = keys = new HashSet<string>(StringComparer.Ordinal);
                }

                keys.Add(key);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        lock (_gate)
        {
            if (_keysByTag.TryGetValue(tag, out var keys))
            {
                foreach (var key in keys.ToArray())
                {
                    if (_entries.TryGetValue(key, out var node))
                    {
                        Remove(node);
                    }
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        var entry = node.Value;
        _lru.Remove(node);
        _entries.Remove(entry.Key);
        _bytes -= entry.Cost;
        foreach (var tag in entry.Tags)
        {
            if (_keysByTag.TryGetValue(tag, out var keys) && keys.Remove(entry.Key) && keys.Count == 0)
            {
                _keysByTag.Remove(tag);
            }
        }
    }

    private sealed record Entry(string Key, byte[] Value, string[] Tags, DateTimeOffset Expires, long Cost);
}
