namespace FeedProxy.Rendering;

/// <summary>What became of a request for a cached render.</summary>
internal enum RenderStatus
{
    /// <summary>A payload: from the cache, a render, or the last good one when the store fails (then without entry).</summary>
    Found,

    /// <summary>Unknown, or known and not served to this reader: both answer alike (a nonexistent thing's answer).</summary>
    Hidden,

    /// <summary>The subject exists but the part asked for does not (a session, an occurrence); <see cref="RenderOutcome{T}.Detail"/> says which.</summary>
    NotFound,

    /// <summary>The request cannot be answered as asked (a filter value the event does not have).</summary>
    Invalid,

    /// <summary>The store failed and nothing was cached to fall back on.</summary>
    Unavailable,

    /// <summary>A render was needed and the client's budget is spent (<see cref="RenderOutcome{T}.RetryAfter"/>).</summary>
    Limited,
}

/// <summary>
/// The answer of <see cref="RenderPipeline"/>, and of a kind's render (which returns
/// <see cref="Rendered"/>, <see cref="HiddenOutcome"/>, <see cref="Missing"/> or <see cref="Rejected"/>).
/// A struct: asking costs no allocation of its own.
/// </summary>
/// <param name="IsPrivate">Served under a private token: carried from the request (never read back from a key), stale answers included.</param>
internal readonly record struct RenderOutcome<T>(
    RenderStatus Status, T? Payload = null, CacheEntry? Entry = null, bool IsPrivate = false, string? Detail = null, TimeSpan RetryAfter = default)
    where T : class
{
    public static RenderOutcome<T> Rendered(T payload) => new(RenderStatus.Found, payload ?? throw new ArgumentNullException(nameof(payload)));

    /// <summary>Not served to this reader; cached as the hidden marker for this version, so asking again costs what asking for a nonexistent thing does.</summary>
    public static RenderOutcome<T> HiddenOutcome => new(RenderStatus.Hidden);

    public static RenderOutcome<T> Missing(string detail) => new(RenderStatus.NotFound, Detail: detail);

    public static RenderOutcome<T> Rejected(string detail) => new(RenderStatus.Invalid, Detail: detail);
}
