using System.Collections.Concurrent;
using FeedProxy.Caching;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Observability;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Feeds;

/// <summary>Outcome of asking for a feed.</summary>
internal abstract record FeedResult
{
    /// <param name="Source">Where the feed is cached and for which event version and hour; null for a stale fallback.</param>
    public sealed record Found(RenderedFeed Feed, bool IsPrivate, CachedFeed? Source = null) : FeedResult;

    public sealed record NotFound(string Detail) : FeedResult;

    public sealed record Invalid(string Detail) : FeedResult;

    /// <summary>The store failed and nothing was cached to fall back on.</summary>
    public sealed record Unavailable(string Detail) : FeedResult;

    /// <summary>The answer needs a render and the client's budget for expensive work is spent.</summary>
    public sealed record Limited(TimeSpan RetryAfter) : FeedResult;
}

/// <summary>The cache entry a feed came from: valid while the event's version and the hour are unchanged.</summary>
internal sealed record CachedFeed(string EventId, string Version, long Hour, string Key);

/// <summary>
/// The read path: version lookup, cache, single-flight render, stale fallback. Cache keys
/// carry the event's version, so an edit makes every old entry unreachable at once and a
/// conditional request for an unchanged feed costs a version lookup and a cache hit.
/// Nothing here grows with the number of distinct requests: rendered feeds, the stale-if-error
/// pointers, the first-seen times and "not served" markers all live in the byte-bounded cache
/// store; in-flight renders and completions exist only while they run.
/// </summary>
internal sealed partial class FeedService(
    IEventStore store,
    IFeedCacheStore cache,
    IOptions<FeedProxyOptions> options,
    TimeProvider time,
    FeedMetrics metrics,
    ILogger<FeedService> logger)
{
    private static readonly KeyValuePair<string, object?> VersionOperation = new("operation", "version");

    private readonly FeedProxyOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Lazy<Task<FeedResult>>> _inFlight = new(StringComparer.Ordinal);
    // Feeds answered before their compressed codings were made: until the complete feed is
    // cached, requests find them here (and wait for the coding they need) instead of rendering again.
    private readonly ConcurrentDictionary<string, Completion> _completing = new(StringComparer.Ordinal);
    private readonly RenderSizes _sizes = new();
    // 1 while the store is failing: outages are logged when they start and end, not per request.
    private int _storeDown;

    /// <param name="request">The parsed request.</param>
    /// <param name="baseUrl">Scheme, host and path base the self links are built from.</param>
    /// <param name="selfUrl">Absolute URL of the feed as requested.</param>
    /// <param name="allowPrivate">True when the request came through a valid private token.</param>
    /// <param name="wanted">The coding the client prefers: on a cache miss it is the one made before answering, the others follow off the request path.</param>
    /// <param name="admitRender">
    /// Asked only when the answer is not cached (a render, or a store read for a filter that
    /// may not resolve): null admits, a wait refuses. Cache hits and 304s cost the client nothing.
    /// </param>
    public async ValueTask<FeedResult> GetAsync(
        FeedRequest request, Uri baseUrl, Uri selfUrl, bool allowPrivate, CancellationToken cancellationToken,
        ContentCoding wanted = ContentCoding.Identity, Func<TimeSpan?>? admitRender = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var representation = request.RepresentationKey + "\u001f" + selfUrl.AbsoluteUri + "\u001f" + (allowPrivate ? "p" : "-");
        string? version;
        try
        {
            var started = time.GetTimestamp();
            version = await store.GetVersionAsync(request.EventId, cancellationToken);
            metrics.StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, VersionOperation);
            StoreAnswered();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await FallbackAsync(representation, ex, cancellationToken);
        }

        if (version is null)
        {
            return new FeedResult.NotFound($"No event '{request.EventId}'.");
        }

        // Selection depends on the clock (cancelled-session retention, window): re-render
        // at most hourly even when the data does not change.
        var hour = CurrentHour();
        var key = $"feed\u001f{version}\u001f{hour}\u001f{representation}";
        var cached = await GetBytesAsync(key, cancellationToken);
        if (cached is not null && cached.AsSpan().SequenceEqual(HiddenMarker))
        {
            return new FeedResult.NotFound($"No event '{request.EventId}'.");
        }

        var hit = cached is null ? null : RenderedFeed.Unpack(cached);
        metrics.CacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit is null ? "miss" : "hit"));
        var source = new CachedFeed(request.EventId, version, hour, key);
        if (hit is not null)
        {
            return new FeedResult.Found(hit, allowPrivate, source);
        }

        if (_completing.TryGetValue(key, out var completing))
        {
            return new FeedResult.Found(await completing.ForAsync(wanted, cancellationToken), allowPrivate, source);
        }

        // Joining a render already under way costs nothing more; starting one spends budget.
        if (!_inFlight.ContainsKey(key) && admitRender?.Invoke() is { } wait)
        {
            return new FeedResult.Limited(wait);
        }

        var flight = _inFlight.GetOrAdd(key, k => new Lazy<Task<FeedResult>>(() => RenderAsync(source, representation, request, baseUrl, selfUrl, allowPrivate, wanted)));
        FeedResult result;
        try
        {
            result = await flight.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (flight.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<FeedResult>>>(key, flight));
            }
        }

        // A request that shared someone else's render and wants a coding not made yet waits for it.
        return result is FeedResult.Found { Feed.CodingsPending: true } found && !found.Feed.Has(wanted) && _completing.TryGetValue(key, out completing)
            ? found with { Feed = await completing.ForAsync(wanted, cancellationToken) }
            : result;
    }

    /// <summary>The event's current version, or null when it is unknown or the store fails (callers then take <see cref="GetAsync"/>, which handles both).</summary>
    public async ValueTask<string?> TryGetVersionAsync(string eventId, CancellationToken cancellationToken)
    {
        try
        {
            var started = time.GetTimestamp();
            var version = await store.GetVersionAsync(eventId, cancellationToken);
            metrics.StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, VersionOperation);
            StoreAnswered();
            return version;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Selection depends on the clock, so cache entries are per hour (see <see cref="GetAsync"/>).</summary>
    public long CurrentHour() => time.GetUtcNow().ToUnixTimeSeconds() / 3600;

    /// <summary>
    /// The cached feed of a known cache entry when it is still there; null when evicted,
    /// expired or unreadable (the caller then takes the full path, which renders again).
    /// </summary>
    public async ValueTask<RenderedFeed?> GetCachedAsync(CachedFeed source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var hit = await GetCachedAsync(source.Key, cancellationToken);
        metrics.CacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit is null ? "miss" : "hit"));
        return hit;
    }

    private async Task<FeedResult> RenderAsync(CachedFeed source, string representation, FeedRequest request, Uri baseUrl, Uri selfUrl, bool allowPrivate, ContentCoding wanted)
    {
        await Task.Yield();
        EventSnapshot? snapshot;
        try
        {
            var loadStarted = time.GetTimestamp();
            snapshot = await store.GetAsync(request.EventId, CancellationToken.None);
            metrics.StoreDuration.Record(time.GetElapsedTime(loadStarted).TotalSeconds, new KeyValuePair<string, object?>("operation", "load"));
            StoreAnswered();
        }
        catch (Exception ex)
        {
            return await FallbackAsync(representation, ex, CancellationToken.None);
        }

        if (snapshot is null)
        {
            return new FeedResult.NotFound($"No event '{request.EventId}'.");
        }

        var schedule = snapshot.Event;
        if (!schedule.Published || (schedule.Visibility == EventVisibility.Private && !allowPrivate))
        {
            // Remembered for this version like a rendered feed, so asking for a private or
            // unpublished event costs what asking for a nonexistent one does (a version lookup
            // and a cache read) and answers the same: neither timing nor text tells them apart.
            await SetQuietlyAsync(source.Key, HiddenMarker.ToArray(), request.EventId);
            return new FeedResult.NotFound($"No event '{request.EventId}'.");
        }

        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var filter = request.ResolveFilter(schedule, FeedSelection.Visible(schedule, Policy(), now), out var filterError);
        if (filterError is not null)
        {
            return new FeedResult.Invalid(filterError);
        }

        var sessions = FeedSelection.Select(schedule, Policy(), now, filter, FeedSelection.ModeFor(request.Format, request.Options));
        if (request.SessionId is not null && sessions.Count == 0)
        {
            return new FeedResult.NotFound($"No session '{request.SessionId}' in event '{request.EventId}'.");
        }

        if (request.Occurrence is { } occurrence)
        {
            // One occurrence as a plain VEVENT of its own (OccurrenceSelection says why).
            var kept = FeedSelection.Select(schedule, Policy(), now, filter, RecurrenceMode.Keep);
            var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
            if (kept.Count == 0 || OccurrenceSelection.Pick(kept[0], zone, occurrence) is not { } single)
            {
                return new FeedResult.NotFound($"Session '{request.SessionId}' has no such occurrence.");
            }

            sessions = [single];
        }

        var document = new FeedDocument
        {
            Event = schedule,
            Sessions = sessions,
            SelfUrl = selfUrl,
            HubUrl = schedule.Visibility == EventVisibility.Public && request.SessionId is null ? Push.HubLinks.HubUrl(baseUrl) : null,
            PageUrl = schedule.Visibility == EventVisibility.Public ? new Uri(baseUrl, $"events/{Uri.EscapeDataString(schedule.Id)}") : null,
            UidDomain = UidDomain,
            IsSubscription = request.SessionId is null,
            RefreshInterval = Duration.FromMinutes(Math.Max(1, _options.Feeds.RefreshIntervalMinutes)),
            Options = request.Options,
            Subtitle = request.DescribeFilters(),
        };

        // Rendered once; answered from the identity bytes or the one coding asked for. The
        // other codings are made off the request path, and only the complete feed is cached,
        // so the shared cache (Redis) never holds a feed another instance would compress again.
        var started = time.GetTimestamp();
        var identity = FeedRenderer.RenderIdentity(document, request.Format, _sizes.Hint(request.Format, sessions.Count));
        _sizes.Observe(request.Format, sessions.Count, identity.Identity.Length);
        var feed = FeedRenderer.With(identity, wanted);
        var elapsed = time.GetElapsedTime(started);
        metrics.RenderDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("format", request.Format.Extension()));
        LogRendered(request.EventId, request.Format, sessions.Count, feed.Identity.Length, elapsed.TotalMilliseconds);
        feed = feed.WithLastModified(Instant.Min(feed.LastModified, await FirstSeenAsync(request.EventId, snapshot.Version)));
        if (feed.CodingsPending)
        {
            var completion = new Completion(feed);
            _completing[source.Key] = completion;
            _ = Task.Run(() => CompleteAsync(source, representation, completion));
        }
        else
        {
            await StoreAsync(source, representation, feed);
        }

        return new FeedResult.Found(feed, allowPrivate, source);
    }

    private async Task CompleteAsync(CachedFeed source, string representation, Completion completion)
    {
        var complete = completion.Partial;
        try
        {
            complete = FeedRenderer.Complete(completion.Partial);
            await StoreAsync(source, representation, complete);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Never thrown to anyone: the requests already answered, and the next miss renders again.
            LogCompressionFailed(source.EventId, ex.Message);
        }
        finally
        {
            completion.Done(complete);
            _completing.TryRemove(new KeyValuePair<string, Completion>(source.Key, completion));
        }
    }

    private async Task StoreAsync(CachedFeed source, string representation, RenderedFeed feed)
    {
        if (feed.CodingsPending)
        {
            return;
        }

        try
        {
            var tags = new[] { CacheTag(source.EventId) };
            var lifetime = TimeSpan.FromMinutes(Math.Max(1, _options.Caching.EntryLifetimeMinutes));
            await cache.SetAsync(source.Key, feed.Pack(), tags, lifetime, CancellationToken.None);
            // The stale-if-error pointer lives in the cache too (bounded, shared through Redis).
            await cache.SetAsync(LastGoodKey(representation), System.Text.Encoding.UTF8.GetBytes(source.Key), tags, lifetime, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheWriteFailed(ex.Message);
        }
    }

    /// <summary>A feed answered before all its codings existed, and the moment they do.</summary>
    private sealed class Completion(RenderedFeed partial)
    {
        private readonly TaskCompletionSource<RenderedFeed> _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RenderedFeed Partial => partial;

        public void Done(RenderedFeed complete) => _complete.TrySetResult(complete);

        public async ValueTask<RenderedFeed> ForAsync(ContentCoding coding, CancellationToken cancellationToken) =>
            partial.Has(coding) ? partial : await _complete.Task.WaitAsync(cancellationToken);
    }

    private async ValueTask<FeedResult> FallbackAsync(string representation, Exception error, CancellationToken cancellationToken)
    {
        metrics.StoreErrors.Add(1);
        if (Interlocked.Exchange(ref _storeDown, 1) == 0)
        {
            LogStoreFailed(error.GetType().Name, error.Message);
        }
        if (await GetPointerAsync(LastGoodKey(representation), cancellationToken) is { } key
            && await GetCachedAsync(key, cancellationToken) is { } stale)
        {
            // A private representation stays private when served stale (Cache-Control: private).
            return new FeedResult.Found(stale, IsPrivate: representation.EndsWith("\u001fp", StringComparison.Ordinal));
        }

        return new FeedResult.Unavailable("The schedule store is unavailable and this feed is not cached. Try again shortly.");
    }

    // Not a packed feed (RenderedFeed.Unpack rejects it): "this version is not served publicly".
    private static ReadOnlySpan<byte> HiddenMarker => "FPNF"u8;

    private async ValueTask<RenderedFeed?> GetCachedAsync(string key, CancellationToken cancellationToken) =>
        await GetBytesAsync(key, cancellationToken) is { } bytes ? RenderedFeed.Unpack(bytes) : null;

    private async ValueTask<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await cache.GetAsync(key, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheReadFailed(ex.Message);
            return null;
        }
    }

    private async ValueTask SetQuietlyAsync(string key, byte[] value, string eventId)
    {
        try
        {
            await cache.SetAsync(key, value, [CacheTag(eventId)], TimeSpan.FromMinutes(Math.Max(1, _options.Caching.EntryLifetimeMinutes)), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheWriteFailed(ex.Message);
        }
    }

    private async ValueTask<string?> GetPointerAsync(string pointer, CancellationToken cancellationToken) =>
        await GetBytesAsync(pointer, cancellationToken) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    /// <summary>
    /// When this deployment (any instance sharing the cache) first rendered this version of
    /// the event, in whole seconds. Last-Modified is capped by it, so data that claims changes
    /// in the future still gets a validator that stays put while the data does (RFC 9110
    /// section 8.8.2: never later than the origin's clock; a moving one defeats
    /// If-Modified-Since). Kept for the stale-if-error horizon plus a day; when the cache has
    /// lost it the next render records a new time, which costs clients one full download.
    /// </summary>
    private async ValueTask<Instant> FirstSeenAsync(string eventId, string version)
    {
        var key = $"seen\u001f{eventId}\u001f{version}";
        if (await GetBytesAsync(key, CancellationToken.None) is { Length: 8 } stored)
        {
            return Instant.FromUnixTimeSeconds(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(stored));
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, now);
        try
        {
            var keep = TimeSpan.FromSeconds(Math.Max(0, _options.Caching.StaleIfErrorSeconds)) + TimeSpan.FromDays(1);
            await cache.SetAsync(key, bytes, [CacheTag(eventId)], keep, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheWriteFailed(ex.Message);
        }

        return Instant.FromUnixTimeSeconds(now);
    }

    private static string LastGoodKey(string representation) => "last\u001f" + representation;

    public static string CacheTag(string eventId) => "event:" + eventId;

    private void StoreAnswered()
    {
        if (Volatile.Read(ref _storeDown) == 1 && Interlocked.Exchange(ref _storeDown, 0) == 1)
        {
            LogStoreRecovered();
        }
    }

    /// <summary>The selection rules of every public listing (feeds and the subscribe page).</summary>
    internal SelectionPolicy Policy() => new()
    {
        CancelledRetention = Duration.FromDays(Math.Max(0, _options.Feeds.CancelledRetentionDays)),
        Window = _options.Feeds.WindowDays is { } days ? Duration.FromDays(days) : null,
        MaxSessions = _options.Feeds.MaxSessions,
        RecurrenceBack = Duration.FromDays(Math.Clamp(_options.Feeds.RecurrenceBackDays, 0, 3660)),
        RecurrenceAhead = Duration.FromDays(Math.Clamp(_options.Feeds.RecurrenceAheadDays, 0, 3660)),
    };

    internal string UidDomain => _options.UidDomain ?? _options.PublicBaseUrl?.Host ?? "feedproxy.localhost";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Rendered {EventId} as {Format}: {Sessions} sessions, {Bytes} bytes in {Milliseconds:F1} ms")]
    private partial void LogRendered(string eventId, FeedFormat format, int sessions, int bytes, double milliseconds);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Schedule store failed ({ErrorType}: {Message}); serving last rendered feeds (stale-if-error) and 503 for others until it answers again")]
    private partial void LogStoreFailed(string errorType, string message);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Schedule store answers again")]
    private partial void LogStoreRecovered();

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Cache read failed: {Message}")]
    private partial void LogCacheReadFailed(string message);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Compressing {EventId} failed: {Message}; it is served uncompressed until rendered again")]
    private partial void LogCompressionFailed(string eventId, string message);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Cache write failed: {Message}")]
    private partial void LogCacheWriteFailed(string message);
}
