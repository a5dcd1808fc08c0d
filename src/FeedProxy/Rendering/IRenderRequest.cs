namespace FeedProxy.Rendering;

/// <summary>One request for a cached render, as a kind describes it to the pipeline.</summary>
internal interface IRenderRequest
{
    /// <summary>The event or collection asked for: versioned by the kind, tags the cache entries.</summary>
    string Id { get; }

    /// <summary>
    /// Everything besides version and hour that makes the output differ (format, options,
    /// self URL, private or not), made with <see cref="CacheKeys.Join"/>. Requests with equal
    /// representations share cache entries, renders and the stale-if-error pointer.
    /// </summary>
    string Representation { get; }

    /// <summary>True when the reader came through a private token: the answer is privately cached.</summary>
    bool IsPrivate { get; }
}
