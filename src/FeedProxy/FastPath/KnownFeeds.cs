using System.Collections.Concurrent;
using FeedProxy.Feeds;
using FeedProxy.Rendering;

namespace FeedProxy.FastPath;

/// <summary>
/// Public feed URLs exactly as requested (host, path base, path, raw query) mapped to the cache
/// entry and response headers the full pipeline last answered them with. Lets a repeated poll
/// skip routing, URL parsing and key building; it never decides freshness on its own (the
/// event's version and the hour are checked on every request, see <see cref="RevalidationMiddleware"/>).
/// Bounded by entries and key length, because the keys come from clients: beyond the bound it
/// starts over, which costs the evicted URLs one pass through the full pipeline each.
/// Holds no bodies: a 200 still reads the cache, so memory stays the cache's to bound.
/// </summary>
internal sealed class KnownFeeds
{
    internal const int Capacity = 1024;
    internal const int MaxKeyLength = 1024;

    private readonly ConcurrentDictionary<RequestKey, KnownFeed> _entries = new();

    public int Count => _entries.Count;

    public bool TryGet(HttpRequest request, out KnownFeed feed)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _entries.TryGetValue(RequestKey.Of(request), out feed!);
    }

    /// <param name="isCollection">The entry is a collection's (<see cref="CacheEntry.Id"/> is the collection id).</param>
    public void Remember(HttpRequest request, CacheEntry entry, FeedResponse response, bool isCollection = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = RequestKey.Of(request);
        if (key.Length > MaxKeyLength)
        {
            return;
        }

        if (_entries.TryGetValue(key, out var known) && known.Entry == entry && known.Response.Hash == response.Hash && known.IsCollection == isCollection)
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = new KnownFeed(entry, response, isCollection);
    }

    public void Forget(HttpRequest request, KnownFeed feed) =>
        _entries.TryRemove(new KeyValuePair<RequestKey, KnownFeed>(RequestKey.Of(request), feed));

    /// <summary>The request's own strings, compared ordinally: no allocation to look one up.</summary>
    private readonly record struct RequestKey(string Host, string PathBase, string Path, string Query)
    {
        public int Length => Host.Length + PathBase.Length + Path.Length + Query.Length;

        public static RequestKey Of(HttpRequest request) =>
            new(request.Host.Value ?? string.Empty, request.PathBase.Value ?? string.Empty, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty);
    }
}

/// <summary>A cache entry with the headers of its responses; an event's feed or a collection's.</summary>
internal sealed record KnownFeed(CacheEntry Entry, FeedResponse Response, bool IsCollection = false);
