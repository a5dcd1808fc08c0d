namespace FeedProxy.Rendering;

/// <summary>
/// Where a render is cached: valid while the subject's version (and, for hourly kinds, the
/// hour) is unchanged. The revalidation fast path keeps it per URL and checks the version
/// and hour again on every request.
/// </summary>
/// <param name="Id">The event or collection the render is of.</param>
/// <param name="Version">Its version when rendered.</param>
/// <param name="Hour">Unix hour of the render (0 for kinds that do not depend on the clock).</param>
/// <param name="Key">The cache key (<see cref="CacheKeys.Entry"/>).</param>
internal sealed record CacheEntry(string Id, string Version, long Hour, string Key);
