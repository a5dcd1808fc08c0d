using System.Collections.Concurrent;
using FeedProxy.Caching;
using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Changes;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Changes;

/// <summary>
/// Renders change feeds of events and collections. The change log is written in the same
/// step as the version it belongs to, so cache keys carry the event (or collection) version
/// as for schedule feeds, plus the hour because the retention window moves with the clock.
/// </summary>
internal sealed class ChangeFeedService(
    IEventStore store,
    ICollectionStore collections,
    CollectionFeedService collectionFeeds,
    IChangeLog log,
    IFeedCacheStore cache,
    FeedService feeds,
    IOptions<FeedProxyOptions> options,
    IOptions<ChangeOptions> changeOptions,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<FeedResult>>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Cached in place of a feed that must not be shown, so asking again costs no render (and no budget).</summary>
    private static readonly byte[] HiddenMarker = "hidden"u8.ToArray();

    /// <summary>
    /// An event's change feed. <paramref name="privateToken"/> is the caller's already checked
    /// secret token: with it a private event's feed is served (links under the token, private
    /// caching); without it a private, unpublished or unknown event is one and the same 404.
    /// </summary>
    public async ValueTask<FeedResult> GetEventAsync(
        string eventId, FeedFormat format, Uri baseUrl, Uri selfUrl, Func<TimeSpan?> admitRender, CancellationToken cancellationToken, string? privateToken = null)
    {
        var hidden = new FeedResult.NotFound($"No event '{eventId}'.");
        var version = await store.GetVersionAsync(eventId, cancellationToken);
        if (version is null)
        {
            return hidden;
        }

        var isPrivate = privateToken is not null;
        var scope = $"e\u001f{eventId}\u001f{version}\u001f{(isPrivate ? "p" : "-")}";
        return await CachedAsync(scope, format, selfUrl, admitRender, isPrivate, hidden, async () =>
        {
            var snapshot = await store.GetAsync(eventId, CancellationToken.None);
            if (snapshot is not { Event.Published: true } || (snapshot.Event.Visibility != EventVisibility.Public && !isPrivate))
            {
                return null;
            }

            var schedule = snapshot.Event;
            // The page and item links carry the token, as the private page's own links do; the
            // feed's id and the guids (FeedPath) never do, so a rotation keeps them stable.
            var pagePath = isPrivate ? Private.PrivateAccess.PathFor(eventId, privateToken!) : $"events/{Uri.EscapeDataString(eventId)}";
            var page = new Uri(baseUrl, pagePath);
            var changes = await ReadAsync([eventId]);
            return Document(schedule.Name, $"events/{Uri.EscapeDataString(eventId)}", page, selfUrl, schedule.LastModified,
                changes.Select(c => Item(c, schedule, baseUrl, pagePath)).ToList());
        }, cancellationToken);
    }

    public async ValueTask<FeedResult> GetCollectionAsync(string collectionId, FeedFormat format, Uri baseUrl, Uri selfUrl, Func<TimeSpan?> admitRender, CancellationToken cancellationToken)
    {
        var snapshot = await collections.GetAsync(collectionId, cancellationToken);
        if (snapshot is null || snapshot.Definition.Visibility != EventVisibility.Public)
        {
            return new FeedResult.NotFound($"No collection '{collectionId}'.");
        }

        var version = await collectionFeeds.VersionAsync(snapshot, cancellationToken);
        return await CachedAsync($"c\u001f{collectionId}\u001f{version}", format, selfUrl, admitRender, isPrivate: false, new FeedResult.NotFound("No change feed at this URL."), async () =>
        {
            var definition = snapshot.Definition;
            var content = await collectionFeeds.LoadAsync(definition, allowPrivate: false, CancellationToken.None);
            var members = content.Members.ToDictionary(m => m.Id, StringComparer.Ordinal);
            var changes = await ReadAsync(members.Keys);
            var items = changes
                .Where(c => Matches(definition, members[c.EventId], c.SessionId))
                .Select(c => Item(c, members[c.EventId], baseUrl, $"events/{Uri.EscapeDataString(c.EventId)}"))
                .ToList();
            var page = new Uri(baseUrl, $"collections/{Uri.EscapeDataString(collectionId)}");
            return Document(definition.Name, $"collections/{Uri.EscapeDataString(collectionId)}", page, selfUrl, content.Calendar.LastModified, items);
        }, cancellationToken);
    }

    /// <summary>
    /// A change belongs to a collection when one of the event's member entries shows the
    /// session: no filters, or the session (as it is now) matches them. A session deleted
    /// from a filtered member can no longer be matched and is left out.
    /// </summary>
    private bool Matches(CollectionDefinition definition, Event schedule, string sessionId)
    {
        var session = schedule.Sessions.FirstOrDefault(s => s.Id == sessionId);
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
        var visible = FeedSelection.Select(schedule, feeds.Policy(), Instant.FromDateTimeOffset(time.GetUtcNow()));
        foreach (var member in definition.Members.Where(m => m.EventId == schedule.Id))
        {
            if (member.Filters.Count == 0)
            {
                return true;
            }

            var filter = new FeedRequest { EventId = schedule.Id, Format = FeedFormat.ICalendar, Filters = member.Filters }.ResolveFilter(schedule, visible, out var error);
            if (session is not null && error is null && (filter is null || filter.Matches(session, zone)))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<IReadOnlyList<ScheduleChange>> ReadAsync(IReadOnlyCollection<string> eventIds)
    {
        var settings = changeOptions.Value;
        var since = Instant.FromDateTimeOffset(time.GetUtcNow()) - Duration.FromDays(Math.Max(0, settings.RetentionDays));
        return await log.ReadAsync(eventIds, since, Math.Clamp(settings.MaxItems, 1, 10_000), CancellationToken.None);
    }

    private ChangeFeedDocument Document(string title, string path, Uri page, Uri self, Instant updated, IReadOnlyList<ChangeFeedItem> items) => new()
    {
        Title = title,
        FeedPath = path,
        PageUrl = page,
        SelfUrl = self,
        // The page is {base}events/{id} or {base}collections/{id}: the hub sits at {base}hub.
        HubUrl = new Uri(page, "../" + Push.HubLinks.HubPath),
        UidDomain = feeds.UidDomain,
        Items = items,
        Updated = updated,
        RefreshInterval = Duration.FromMinutes(Math.Max(1, options.Value.Feeds.RefreshIntervalMinutes)),
    };

    /// <summary>The session's own page when it has one, else its entry on the event's subscribe page (<paramref name="pagePath"/>).</summary>
    private static ChangeFeedItem Item(ScheduleChange change, Event schedule, Uri baseUrl, string pagePath)
    {
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
        var url = schedule.Sessions.FirstOrDefault(s => s.Id == change.SessionId)?.Url;
        var link = url is not null && Uri.TryCreate(url, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttps || absolute.Scheme == Uri.UriSchemeHttp)
            ? absolute
            : new Uri(baseUrl, $"{pagePath}#session-{Uri.EscapeDataString(change.SessionId)}");
        return new ChangeFeedItem(change, schedule.Name, zone, link);
    }

    private async ValueTask<FeedResult> CachedAsync(
        string scope, FeedFormat format, Uri selfUrl, Func<TimeSpan?> admitRender, bool isPrivate, FeedResult.NotFound hidden,
        Func<Task<ChangeFeedDocument?>> build, CancellationToken cancellationToken)
    {
        var hour = time.GetUtcNow().ToUnixTimeSeconds() / 3600;
        var key = $"changes\u001f{scope}\u001f{hour}\u001f{format.Extension()}\u001f{selfUrl.AbsoluteUri}";
        if (await cache.GetAsync(key, cancellationToken) is { } bytes)
        {
            if (bytes.AsSpan().SequenceEqual(HiddenMarker))
            {
                return hidden;
            }

            if (RenderedFeed.Unpack(bytes) is { } hit)
            {
                return new FeedResult.Found(hit, isPrivate);
            }
        }

        // A render reads the log and the events: expensive work spends the client's budget.
        if (admitRender() is { } wait)
        {
            return new FeedResult.Limited(wait);
        }

        var flight = _inFlight.GetOrAdd(key, k => new Lazy<Task<FeedResult>>(async () =>
        {
            await Task.Yield();
            var document = await build();
            if (document is null)
            {
                await cache.SetAsync(k, HiddenMarker, ["changes"], TimeSpan.FromMinutes(Math.Max(1, options.Value.Caching.EntryLifetimeMinutes)), CancellationToken.None);
                return hidden;
            }

            var feed = FeedRenderer.Render(
                buffer => (format == FeedFormat.Atom ? (Action<ChangeFeedDocument, System.Buffers.IBufferWriter<byte>>)ChangeFeedWriter.WriteAtom : ChangeFeedWriter.WriteRss)(document, buffer),
                document.LastModified);
            await cache.SetAsync(k, feed.Pack(), ["changes"], TimeSpan.FromMinutes(Math.Max(1, options.Value.Caching.EntryLifetimeMinutes)), CancellationToken.None);
            return new FeedResult.Found(feed, isPrivate);
        }));
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
}
