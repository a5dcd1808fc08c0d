using System.Buffers.Binary;
using System.Text;
using FeedProxy.Caching;
using FeedProxy.Observability;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Rendering;

/// <summary>
/// The cached-render path every kind shares (<see cref="RenderKind{TRequest, TPayload}"/>):
/// version lookup, cache read, budget check, single-flight render, cache write, stale-if-error
/// fallback. Cache keys carry the version, so an edit makes every old entry unreachable at once
/// and a repeated request for an unchanged subject costs a version lookup and a cache hit.
/// Nothing here grows with the number of distinct requests: payloads, stale-if-error pointers,
/// first-seen times and hidden markers all live in the byte-bounded cache store; renders and
/// completions in flight exist only while they run. Thread-safe.
/// </summary>
internal sealed partial class RenderPipeline(
    IFeedCacheStore cache,
    IOptions<FeedProxyOptions> options,
    TimeProvider time,
    FeedMetrics metrics,
    ILogger<RenderPipeline> logger)
{
    private static readonly KeyValuePair<string, object?> VersionOperation = new("operation", "version");

    private readonly FeedProxyOptions _options = options.Value;
    private readonly IdleSignal _idle = new();

    /// <summary>How long an entry (and its stale-if-error pointer) stays cached.</summary>
    public TimeSpan EntryLifetime => TimeSpan.FromMinutes(Math.Max(1, _options.Caching.EntryLifetimeMinutes));

    /// <summary>The hour entries of hourly kinds are keyed by (Unix hours).</summary>
    public long CurrentHour() => time.GetUtcNow().ToUnixTimeSeconds() / 3600;

    /// <summary>Where a store lookup timed by <see cref="RecordVersionLookup"/> starts.</summary>
    public long StoreTimestamp() => time.GetTimestamp();

    /// <summary>
    /// Records a version lookup as the "version" store operation: the ones made here and the
    /// revalidation fast path's, which answers most polls without coming here.
    /// </summary>
    public void RecordVersionLookup(long started) =>
        metrics.StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, VersionOperation);

    /// <summary>Completes when no render and no background completion runs (for tests, and shutdown).</summary>
    public Task WhenIdleAsync() => _idle.WhenIdleAsync();

    /// <param name="admitRender">
    /// Asked only when this request would start a render (not cached, none running to join):
    /// null admits, a wait refuses. Hits, 304s and joining a running render cost the client nothing.
    /// </param>
    public async ValueTask<RenderOutcome<TPayload>> GetAsync<TRequest, TPayload>(
        RenderKind<TRequest, TPayload> kind, TRequest request, Func<TimeSpan?>? admitRender, CancellationToken cancellationToken)
        where TRequest : IRenderRequest
        where TPayload : class
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(request);
        string? version;
        try
        {
            var started = time.GetTimestamp();
            version = await kind.GetVersionAsync(request, cancellationToken);
            RecordVersionLookup(started);
            if (kind.Outage.Answered())
            {
                LogStoreRecovered(kind.Name);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await FallbackAsync(kind, request, ex, cancellationToken);
        }

        if (version is null)
        {
            return new RenderOutcome<TPayload>(RenderStatus.Hidden, IsPrivate: request.IsPrivate);
        }

        var hour = kind.Hourly ? CurrentHour() : 0;
        var key = CacheKeys.Entry(kind.Name, version, hour, request.Representation);
        var cached = await ReadAsync(key, cancellationToken);
        if (cached is not null && IsHiddenMarker(cached))
        {
            return new RenderOutcome<TPayload>(RenderStatus.Hidden, IsPrivate: request.IsPrivate);
        }

        var hit = cached is null ? null : kind.Unpack(cached);
        metrics.CountCacheLookup(hit is not null);
        var entry = new CacheEntry(request.Id, version, hour, key);
        if (hit is not null)
        {
            return new RenderOutcome<TPayload>(RenderStatus.Found, hit, entry, request.IsPrivate);
        }

        if (kind.Completing.TryGetValue(key, out var completing))
        {
            return new RenderOutcome<TPayload>(RenderStatus.Found, await ServedAsync(kind, request, completing, cancellationToken), entry, request.IsPrivate);
        }

        // Starting a render spends budget; joining one already under way costs nothing more.
        // The budget is asked inside the run, by its starter only: a request refused there
        // ends that run at once, and a request that had joined it tries again on its own.
        RenderOutcome<TPayload> outcome;
        bool starter;
        do
        {
            outcome = await kind.Renders.RunAsync(key, (Pipeline: this, Kind: kind, Request: request, Entry: entry, Admit: admitRender),
                static (_, s) => s.Admit?.Invoke() is { } wait
                    ? Task.FromResult(new RenderOutcome<TPayload>(RenderStatus.Limited, RetryAfter: wait))
                    : s.Pipeline.RenderAndStoreAsync(s.Kind, s.Request, s.Entry),
                out starter, cancellationToken);
        }
        while (outcome.Status == RenderStatus.Limited && !starter);

        if (outcome is { Status: RenderStatus.Found, Payload: { } payload })
        {
            // A request that shared someone else's render is served from the partial payload
            // as it is now (the kind may add another coding to it), or waits for its completion.
            if (kind.IsPartial(payload) && kind.Completing.TryGetValue(key, out completing))
            {
                payload = await ServedAsync(kind, request, completing, cancellationToken);
            }

            return outcome with { Payload = payload, IsPrivate = request.IsPrivate };
        }

        return outcome with { IsPrivate = request.IsPrivate };
    }

    /// <summary>
    /// The payload of a known cache entry when it is still there; null when evicted, expired
    /// or unreadable (the caller then takes <see cref="GetAsync"/>, which renders again).
    /// </summary>
    public async ValueTask<TPayload?> GetCachedAsync<TRequest, TPayload>(RenderKind<TRequest, TPayload> kind, CacheEntry entry, CancellationToken cancellationToken)
        where TRequest : IRenderRequest
        where TPayload : class
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(entry);
        var bytes = await ReadAsync(entry.Key, cancellationToken);
        var hit = bytes is null || IsHiddenMarker(bytes) ? null : kind.Unpack(bytes);
        metrics.CountCacheLookup(hit is not null);
        return hit;
    }

    /// <summary>
    /// When this deployment (any instance sharing the cache) first rendered this version of
    /// the subject (a cache tag, e.g. "event:id"), in whole seconds. Last-Modified is capped by
    /// it, so data that claims changes in the future still gets a validator that stays put
    /// while the data does (RFC 9110 section 8.8.2: never later than the origin's clock; a
    /// moving one defeats If-Modified-Since). Kept for the stale-if-error horizon plus a day;
    /// when the cache has lost it the next render records a new time, which costs clients one
    /// full download. Kinds of the same subject (feeds, calendar objects) share it.
    /// </summary>
    public async ValueTask<Instant> FirstSeenAsync(string subject, string version)
    {
        var key = CacheKeys.FirstSeen(subject, version);
        if (await ReadAsync(key, CancellationToken.None) is { Length: 8 } stored)
        {
            return Instant.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64LittleEndian(stored));
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, now);
        var keep = TimeSpan.FromSeconds(Math.Max(0, _options.Caching.StaleIfErrorSeconds)) + TimeSpan.FromDays(1);
        await WriteAsync(key, bytes, subject, keep);
        return Instant.FromUnixTimeSeconds(now);
    }

    private async Task<RenderOutcome<TPayload>> RenderAndStoreAsync<TRequest, TPayload>(RenderKind<TRequest, TPayload> kind, TRequest request, CacheEntry entry)
        where TRequest : IRenderRequest
        where TPayload : class
    {
        _idle.Enter();
        try
        {
            // Off the request's thread: the render is shared, the first caller only started it.
            await Task.Yield();
            RenderOutcome<TPayload> outcome;
            try
            {
                outcome = await kind.RenderAsync(request, entry);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return await FallbackAsync(kind, request, ex, CancellationToken.None);
            }

            var tag = kind.CacheTag(request.Id);
            switch (outcome)
            {
                case { Status: RenderStatus.Hidden }:
                    // Remembered for this version like a payload, so asking for a hidden subject
                    // costs what asking for a nonexistent one does (a version lookup and a cache
                    // read) and answers the same: neither timing nor text tells them apart.
                    await WriteAsync(entry.Key, HiddenMarker.ToArray(), tag, EntryLifetime);
                    return outcome;
                case { Status: RenderStatus.Found, Payload: { } payload } when kind.IsPartial(payload):
                    var completion = new Completion<TPayload>(payload);
                    kind.Completing[entry.Key] = completion;
                    _idle.Enter();
                    _ = Task.Run(() => CompleteAsync(kind, request, entry, completion));
                    return outcome with { Entry = entry };
                case { Status: RenderStatus.Found, Payload: { } payload }:
                    await StoreAsync(kind, request, entry, payload);
                    return outcome with { Entry = entry };
                default:
                    return outcome;
            }
        }
        finally
        {
            _idle.Exit();
        }
    }

    private async Task CompleteAsync<TRequest, TPayload>(RenderKind<TRequest, TPayload> kind, TRequest request, CacheEntry entry, Completion<TPayload> completion)
        where TRequest : IRenderRequest
        where TPayload : class
    {
        var complete = completion.Partial;
        try
        {
            complete = kind.Complete(completion.Partial);
            await StoreAsync(kind, request, entry, complete);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Never thrown to anyone: the requests already answered, and the next miss renders again.
            LogCompletionFailed(kind.Name, request.Id, ex.Message);
        }
        finally
        {
            completion.Done(complete);
            kind.Completing.TryRemove(new KeyValuePair<string, Completion<TPayload>>(entry.Key, completion));
            _idle.Exit();
        }
    }

    private async Task StoreAsync<TRequest, TPayload>(RenderKind<TRequest, TPayload> kind, TRequest request, CacheEntry entry, TPayload payload)
        where TRequest : IRenderRequest
        where TPayload : class
    {
        if (kind.IsPartial(payload))
        {
            return;
        }

        var tag = kind.CacheTag(request.Id);
        await WriteAsync(entry.Key, kind.Pack(payload), tag, EntryLifetime);
        // The stale-if-error pointer lives in the cache too (bounded, shared through Redis).
        await WriteAsync(CacheKeys.LastGood(kind.Name, request.Representation), Encoding.UTF8.GetBytes(entry.Key), tag, EntryLifetime);
    }

    private static async ValueTask<TPayload> ServedAsync<TRequest, TPayload>(
        RenderKind<TRequest, TPayload> kind, TRequest request, Completion<TPayload> completion, CancellationToken cancellationToken)
        where TRequest : IRenderRequest
        where TPayload : class
    {
        // A request the partial payload does not serve (another coding) is not kept waiting
        // for the whole completion (the best codings): the kind may add what it needs at
        // little cost, and the requests that follow reuse that.
        var latest = completion.Partial;
        if (kind.Serve(request, latest) is not { } served)
        {
            return await completion.Complete.WaitAsync(cancellationToken);
        }

        if (!ReferenceEquals(served, latest))
        {
            completion.Offer(served);
        }

        return served;
    }

    private async ValueTask<RenderOutcome<TPayload>> FallbackAsync<TRequest, TPayload>(RenderKind<TRequest, TPayload> kind, TRequest request, Exception error, CancellationToken cancellationToken)
        where TRequest : IRenderRequest
        where TPayload : class
    {
        metrics.StoreErrors.Add(1);
        if (kind.Outage.Failed())
        {
            LogStoreFailed(error.GetType().Name, error.Message, kind.Name);
        }

        if (await ReadAsync(CacheKeys.LastGood(kind.Name, request.Representation), cancellationToken) is { } pointer
            && await ReadAsync(Encoding.UTF8.GetString(pointer), cancellationToken) is { } bytes
            && !IsHiddenMarker(bytes)
            && kind.Unpack(bytes) is { } stale)
        {
            // Private-ness comes from the request, so a private representation stays private
            // when served stale (Cache-Control: private).
            return new RenderOutcome<TPayload>(RenderStatus.Found, stale, Entry: null, request.IsPrivate);
        }

        return new RenderOutcome<TPayload>(RenderStatus.Unavailable, IsPrivate: request.IsPrivate,
            Detail: "The schedule store is unavailable and this feed is not cached. Try again shortly.");
    }

    // Not a payload of any kind (kinds' packed forms start with a magic number of their own):
    // "this version is not served to this reader".
    private static ReadOnlySpan<byte> HiddenMarker => "FPNF"u8;

    private static bool IsHiddenMarker(byte[] bytes) => bytes.AsSpan().SequenceEqual(HiddenMarker);

    private async ValueTask<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
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

    private async ValueTask WriteAsync(string key, byte[] value, string tag, TimeSpan lifetime)
    {
        try
        {
            await cache.SetAsync(key, value, [tag], lifetime, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheWriteFailed(ex.Message);
        }
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Schedule store failed ({ErrorType}: {Message}) for {Kind} renders; serving the last rendered versions (stale-if-error) and 503 for others until it answers again")]
    private partial void LogStoreFailed(string errorType, string message, string kind);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Schedule store answers again ({Kind} renders)")]
    private partial void LogStoreRecovered(string kind);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Cache read failed: {Message}")]
    private partial void LogCacheReadFailed(string message);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Cache write failed: {Message}")]
    private partial void LogCacheWriteFailed(string message);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Completing {Kind} {Id} failed: {Message}; it is served as rendered until rendered again")]
    private partial void LogCompletionFailed(string kind, string id, string message);
}
