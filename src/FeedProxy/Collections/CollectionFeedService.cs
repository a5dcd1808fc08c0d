using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FeedProxy.Caching;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Observability;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Collections;

/// <summary>
/// The read path of collection feeds, shaped like <see cref="FeedService"/>: a version
/// lookup, the shared cache, single-flight rendering, the last good render when the store
/// fails. The version is derived from the definition's and every member event's version, so
/// any member edit makes a new cache key at once; the ETag is the hash of the rendered
/// bytes, so it changes when, and only when, what the feed shows changes.
/// </summary>
internal sealed partial class CollectionFeedService(
    ICollectionStore collections,
    IEventStore store,
    IFeedCacheStore cache,
    FeedService feeds,
    IOptions<FeedProxyOptions> options,
    TimeProvider time,
    FeedMetrics metrics,
    ILogger<CollectionFeedService> logger)
{
    private readonly FeedProxyOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Lazy<Task<FeedResult>>> _inFlight = new(StringComparer.Ordinal);

    // Bounded like the rest of the process: at most one entry per representation served, and
    // never more than this many (the oldest fall out of use; a miss just means no stale copy).
    private const int MaxLastGood = 10_000;
    private readonly ConcurrentDictionary<string, string> _lastGood = new(StringComparer.Ordinal);

    // The last version computed per collection (only collections that exist, bounded as above).
    private readonly ConcurrentDictionary<string, CollectionVersion> _versions = new(StringComparer.Ordinal);

    /// <param name="request">Parsed request; <see cref="FeedRequest.EventId"/> is the collection id.</param>
    /// <param name="admitRender">Asked before a render (expensive work): null admits, else how long the client must wait.</param>
    public async ValueTask<FeedResult> GetAsync(FeedRequest request, Uri baseUrl, Uri selfUrl, bool allowPrivate, CancellationToken cancellationToken, Func<TimeSpan?>? admitRender = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var representation = "collection\u001f" + request.RepresentationKey + "\u001f" + selfUrl.AbsoluteUri + "\u001f" + (allowPrivate ? "p" : "-");
        CollectionSnapshot? snapshot;
        string version;
        try
        {
            snapshot = await collections.GetAsync(request.EventId, cancellationToken);
            if (snapshot is null || (snapshot.Definition.Visibility == EventVisibility.Private && !allowPrivate))
            {
                return new FeedResult.NotFound($"No collection '{request.EventId}'.");
            }

            version = await VersionAsync(snapshot, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await FallbackAsync(representation, ex, cancellationToken);
        }

        // As for events: selection depends on the clock, so re-render at least hourly.
        var hour = time.GetUtcNow().ToUnixTimeSeconds() / 3600;
        var key = $"collection\u001f{version}\u001f{hour}\u001f{representation}";
        var source = new CachedFeed(request.EventId, version, hour, key);
        if (await GetCachedAsync(key, cancellationToken) is { } hit)
        {
            metrics.CacheLookups.Add(1, new KeyValuePair<string, object?>("result", "hit"));
            return new FeedResult.Found(hit, allowPrivate, source);
        }

        metrics.CacheLookups.Add(1, new KeyValuePair<string, object?>("result", "miss"));
        if (admitRender?.Invoke() is { } wait)
        {
            return new FeedResult.Limited(wait);
        }

        var flight = _inFlight.GetOrAdd(key, k => new Lazy<Task<FeedResult>>(() => RenderAsync(source, representation, snapshot, request, baseUrl, selfUrl, allowPrivate)));
        try
        {
            return await flight.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (flight.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<FeedResult>>>(key, flight));
            }
        }
    }

    /// <summary>
    /// The collection's current version, or null when it does not exist or the store fails
    /// (callers then take <see cref="GetAsync"/>, which handles both). For the revalidation
    /// fast path: in memory in both stores while nothing changed.
    /// </summary>
    public async ValueTask<string?> TryGetVersionAsync(string collectionId, CancellationToken cancellationToken)
    {
        try
        {
            return await collections.GetAsync(collectionId, cancellationToken) is { } snapshot
                ? await VersionAsync(snapshot, cancellationToken)
                : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Hash of the definition's version and each member event's version (or its absence):
    /// fixed length whatever the number of members, and new whenever any of them changes.
    /// The last hash per collection is kept with its inputs, so an unchanged collection costs
    /// one version lookup per member and no hashing.
    /// </summary>
    internal async ValueTask<string> VersionAsync(CollectionSnapshot snapshot, CancellationToken cancellationToken)
    {
        var id = snapshot.Definition.Id;
        _versions.TryGetValue(id, out var last);
        var memberIds = last is not null && ReferenceEquals(last.Snapshot, snapshot)
            ? last.MemberIds
            : [.. snapshot.Definition.Members.Select(m => m.EventId).Distinct(StringComparer.Ordinal)];
        var unchanged = last is not null && string.Equals(last.Snapshot.Version, snapshot.Version, StringComparison.Ordinal) && last.MemberIds.AsSpan().SequenceEqual(memberIds);

        // While every member matches the last computation nothing is allocated (this runs on
        // every request for the collection, 304s included).
        var memberVersions = unchanged ? null : new string[memberIds.Length];
        for (var i = 0; i < memberIds.Length; i++)
        {
            var version = await store.GetVersionAsync(memberIds[i], cancellationToken) ?? "-";
            if (memberVersions is null)
            {
                if (string.Equals(version, last!.MemberVersions[i], StringComparison.Ordinal))
                {
                    continue;
                }

                memberVersions = new string[memberIds.Length];
                last.MemberVersions.AsSpan(0, i).CopyTo(memberVersions);
            }

            memberVersions[i] = version;
        }

        if (memberVersions is null)
        {
            return last!.Hash;
        }

        var text = new StringBuilder(snapshot.Version);
        for (var i = 0; i < memberIds.Length; i++)
        {
            text.Append('\u001f').Append(memberIds[i]).Append('=').Append(memberVersions[i]);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
        if (_versions.Count < MaxLastGood || _versions.ContainsKey(id))
        {
            _versions[id] = new CollectionVersion(snapshot, memberIds, memberVersions, hash);
        }

        return hash;
    }

    /// <summary>A collection's version with what it was computed from.</summary>
    private sealed record CollectionVersion(CollectionSnapshot Snapshot, string[] MemberIds, string[] MemberVersions, string Hash);

    /// <summary>
    /// The member events a reader of this collection may see, each with the sessions it
    /// contributes: unpublished or missing events contribute nothing (as their own feeds are
    /// 404), private events only to a private collection read through its token.
    /// </summary>
    /// <param name="mode">Series kept (calendar formats) or expanded into occurrences (RSS, Atom, pentabarf, UTC), as for event feeds.</param>
    internal async Task<CollectionContent> LoadAsync(CollectionDefinition definition, bool allowPrivate, CancellationToken cancellationToken, RecurrenceMode mode = RecurrenceMode.Keep)
    {
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        // The size budget applies to the whole collection, after merging.
        var policy = feeds.Policy() with { MaxSessions = null };
        var origins = FeedDocument.CreateOrigins();
        var seen = new HashSet<(string, string)>();
        var sessions = new List<Session>();
        var members = new List<Event>();
        var lastModified = definition.LastModified;
        foreach (var member in definition.Members)
        {
            var snapshot = await store.GetAsync(member.EventId, cancellationToken);
            if (snapshot is not { Event.Published: true } || (snapshot.Event.Visibility == EventVisibility.Private && !allowPrivate))
            {
                continue;
            }

            var schedule = snapshot.Event;
            // Filter values resolve against the sessions a feed may show, as for event feeds.
            var visible = FeedSelection.Select(schedule, policy, now);
            var filter = new FeedRequest { EventId = schedule.Id, Format = FeedFormat.ICalendar, Filters = member.Filters }.ResolveFilter(schedule, visible, out var error);
            if (error is not null)
            {
                // A filter value the event no longer has: showing the whole event instead
                // would be wrong, so the member shows nothing until the definition is fixed.
                LogMemberFilter(definition.Id, schedule.Id, error);
                continue;
            }

            if (!members.Any(m => m.Id == schedule.Id))
            {
                members.Add(schedule);
            }

            if (schedule.LastModified > lastModified)
            {
                lastModified = schedule.LastModified;
            }

            foreach (var session in FeedSelection.Select(schedule, policy, now, filter, mode))
            {
                // The same event twice with different filters is a union, each session once.
                if (seen.Add((schedule.Id, session.Id)))
                {
                    var shown = member.Decorate(session);
                    sessions.Add(shown);
                    origins[shown] = schedule;
                }
            }
        }

        sessions.Sort((a, b) =>
        {
            var byStart = a.Start.CompareTo(b.Start);
            if (byStart != 0) { return byStart; }
            var byEvent = string.CompareOrdinal(origins[a].Id, origins[b].Id);
            return byEvent != 0 ? byEvent : string.CompareOrdinal(a.Id, b.Id);
        });
        if (_options.Feeds.MaxSessions is { } max && sessions.Count > max)
        {
            sessions.RemoveRange(0, sessions.Count - max);
        }

        var calendar = new Event
        {
            Id = definition.Id,
            Name = definition.Name,
            Description = definition.Description,
            // Names the zone of pentabarf xCal and the subscribe page; calendar formats write
            // each session in its own event's zone.
            TimeZone = members.Count > 0 ? members[0].TimeZone : "UTC",
            Visibility = definition.Visibility,
            LastModified = lastModified,
        };
        return new CollectionContent(calendar, members, sessions, origins);
    }

    private async Task<FeedResult> RenderAsync(CachedFeed source, string representation, CollectionSnapshot snapshot, FeedRequest request, Uri baseUrl, Uri selfUrl, bool allowPrivate)
    {
        var key = source.Key;
        await Task.Yield();
        CollectionContent content;
        try
        {
            var started = time.GetTimestamp();
            content = await LoadAsync(snapshot.Definition, allowPrivate, CancellationToken.None, FeedSelection.ModeFor(request.Format, request.Options));
            metrics.StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", "load"));
        }
        catch (Exception ex)
        {
            return await FallbackAsync(representation, ex, CancellationToken.None);
        }

        var document = new FeedDocument
        {
            Event = content.Calendar,
            Kind = "collections",
            Sessions = content.Sessions,
            Origins = content.Origins,
            SelfUrl = selfUrl,
            PageUrl = snapshot.Definition.Visibility == EventVisibility.Public ? new Uri(baseUrl, $"collections/{Uri.EscapeDataString(snapshot.Definition.Id)}") : null,
            UidDomain = feeds.UidDomain,
            RefreshInterval = Duration.FromMinutes(Math.Max(1, _options.Feeds.RefreshIntervalMinutes)),
            Options = request.Options,
        };

        var renderStarted = time.GetTimestamp();
        var feed = FeedRenderer.Render(document, request.Format);
        metrics.RenderDuration.Record(time.GetElapsedTime(renderStarted).TotalSeconds, new KeyValuePair<string, object?>("format", request.Format.Extension()));
        try
        {
            await cache.SetAsync(key, feed.Pack(), [CacheTag(snapshot.Definition.Id)], TimeSpan.FromMinutes(Math.Max(1, _options.Caching.EntryLifetimeMinutes)), CancellationToken.None);
            if (_lastGood.Count < MaxLastGood || _lastGood.ContainsKey(representation))
            {
                _lastGood[representation] = key;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheWriteFailed(ex.Message);
        }

        return new FeedResult.Found(feed, allowPrivate, source);
    }

    private async ValueTask<FeedResult> FallbackAsync(string representation, Exception error, CancellationToken cancellationToken)
    {
        metrics.StoreErrors.Add(1);
        LogStoreFailed(error.GetType().Name, error.Message);
        if (_lastGood.TryGetValue(representation, out var key) && await GetCachedAsync(key, cancellationToken) is { } stale)
        {
            return new FeedResult.Found(stale, IsPrivate: representation.EndsWith("\u001fp", StringComparison.Ordinal));
        }

        return new FeedResult.Unavailable("The schedule store is unavailable and this feed is not cached. Try again shortly.");
    }

    private async ValueTask<RenderedFeed?> GetCachedAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await cache.GetAsync(key, cancellationToken);
            return bytes is null ? null : RenderedFeed.Unpack(bytes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheReadFailed(ex.Message);
            return null;
        }
    }

    public static string CacheTag(string collectionId) => "collection:" + collectionId;

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Collection {CollectionId}: member {EventId} shows nothing: {Reason}")]
    private partial void LogMemberFilter(string collectionId, string eventId, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Store failed for a collection feed ({ErrorType}: {Message}); serving the last rendered version if any")]
    private partial void LogStoreFailed(string errorType, string message);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Cache read failed: {Message}")]
    private partial void LogCacheReadFailed(string message);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "Cache write failed: {Message}")]
    private partial void LogCacheWriteFailed(string message);
}

/// <summary>What a collection shows now: a calendar named after it, its visible member events, the merged sessions and where each comes from.</summary>
internal sealed record CollectionContent(Event Calendar, IReadOnlyList<Event> Members, IReadOnlyList<Session> Sessions, IReadOnlyDictionary<Session, Event> Origins);
