using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Changes;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Rendering;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Changes;

/// <summary>One request for the change feed of an event or a collection.</summary>
/// <param name="PrivateToken">The caller's already checked secret token (events only): the feed is then served privately, with links under the token.</param>
internal sealed record ChangeFeedRequest(string Id, bool IsCollection, FeedFormat Format, Uri BaseUrl, Uri SelfUrl, string? PrivateToken) : IFeedRenderRequest
{
    public bool IsPrivate => PrivateToken is not null;

    public ContentCoding Wanted => ContentCoding.Identity;

    public string Representation { get; } = CacheKeys.Join(IsCollection ? "c" : "e", Id, Format.Extension(), SelfUrl.AbsoluteUri, PrivateToken is not null ? "p" : "-");

    /// <summary>The collection definition the version was computed from (collection feeds).</summary>
    public CollectionSnapshot? Snapshot { get; set; }
}

/// <summary>
/// Change feeds in the render pipeline. The change log is written in the same step as the
/// version it belongs to, so entries are keyed by the event's (or collection's) version as
/// for schedule feeds, and by the hour because the retention window moves with the clock.
/// </summary>
internal sealed class ChangeFeedKind(
    IEventStore store,
    ICollectionStore collections,
    CollectionVersions versions,
    CollectionLoader loader,
    IChangeLog log,
    FeedSettings settings,
    IOptions<ChangeOptions> changeOptions,
    TimeProvider time)
    : RenderedFeedKind<ChangeFeedRequest>("changes")
{
    public override string CacheTag(string id) => "changes";

    public override async ValueTask<string?> GetVersionAsync(ChangeFeedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.IsCollection)
        {
            return await store.GetVersionAsync(request.Id, cancellationToken);
        }

        // Change feeds exist for public collections only: any other answers as an unknown one.
        var snapshot = await collections.GetAsync(request.Id, cancellationToken);
        if (snapshot is null || snapshot.Definition.Visibility != EventVisibility.Public)
        {
            return null;
        }

        request.Snapshot = snapshot;
        return await versions.VersionAsync(snapshot, cancellationToken);
    }

    public override async Task<RenderOutcome<RenderedFeed>> RenderAsync(ChangeFeedRequest request, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(request);
        var document = request.IsCollection ? await CollectionDocumentAsync(request) : await EventDocumentAsync(request);
        if (document is null)
        {
            return RenderOutcome<RenderedFeed>.HiddenOutcome;
        }

        var feed = FeedRenderer.Render(
            buffer => (request.Format == FeedFormat.Atom ? (Action<ChangeFeedDocument, System.Buffers.IBufferWriter<byte>>)ChangeFeedWriter.WriteAtom : ChangeFeedWriter.WriteRss)(document, buffer),
            document.LastModified);
        // Small documents: both codings at the fast level answer at once, whatever the client
        // asks for; the pipeline replaces them with the best ones off the request path.
        return RenderOutcome<RenderedFeed>.Rendered(FeedRenderer.With(FeedRenderer.With(feed, ContentCoding.Gzip), ContentCoding.Brotli));
    }

    private async Task<ChangeFeedDocument?> EventDocumentAsync(ChangeFeedRequest request)
    {
        var eventId = request.Id;
        var snapshot = await store.GetAsync(eventId, CancellationToken.None);
        if (snapshot is not { Event.Published: true } || (snapshot.Event.Visibility != EventVisibility.Public && !request.IsPrivate))
        {
            return null;
        }

        var schedule = snapshot.Event;
        // The page and item links carry the token, as the private page's own links do; the
        // feed's id and the guids (FeedPath) never do, so a rotation keeps them stable.
        var pagePath = request.PrivateToken is { } token ? Private.PrivateAccess.PathFor(eventId, token) : $"events/{Uri.EscapeDataString(eventId)}";
        var page = new Uri(request.BaseUrl, pagePath);
        var changes = await ReadAsync([eventId]);
        return Document(schedule.Name, $"events/{Uri.EscapeDataString(eventId)}", page, request.SelfUrl, schedule.LastModified,
            changes.Select(c => Item(c, schedule, request.BaseUrl, pagePath)).ToList());
    }

    private async Task<ChangeFeedDocument?> CollectionDocumentAsync(ChangeFeedRequest request)
    {
        var collectionId = request.Id;
        if ((request.Snapshot ?? await collections.GetAsync(collectionId, CancellationToken.None)) is not { Definition.Visibility: EventVisibility.Public } snapshot)
        {
            return null;
        }

        var definition = snapshot.Definition;
        var content = await loader.LoadAsync(definition, allowPrivate: false, CancellationToken.None);
        var members = content.Members.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var changes = await ReadAsync(members.Keys);
        var items = changes
            .Where(c => Matches(definition, members[c.EventId], c.SessionId))
            .Select(c => Item(c, members[c.EventId], request.BaseUrl, $"events/{Uri.EscapeDataString(c.EventId)}"))
            .ToList();
        var page = new Uri(request.BaseUrl, $"collections/{Uri.EscapeDataString(collectionId)}");
        return Document(definition.Name, $"collections/{Uri.EscapeDataString(collectionId)}", page, request.SelfUrl, content.Calendar.LastModified, items);
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
        var visible = FeedSelection.Select(schedule, settings.Policy(), Instant.FromDateTimeOffset(time.GetUtcNow()));
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
        var options = changeOptions.Value;
        var since = Instant.FromDateTimeOffset(time.GetUtcNow()) - Duration.FromDays(Math.Max(0, options.RetentionDays));
        return await log.ReadAsync(eventIds, since, Math.Clamp(options.MaxItems, 1, 10_000), CancellationToken.None);
    }

    private ChangeFeedDocument Document(string title, string path, Uri page, Uri self, Instant updated, IReadOnlyList<ChangeFeedItem> items) => new()
    {
        Title = title,
        FeedPath = path,
        PageUrl = page,
        SelfUrl = self,
        // The page is {base}events/{id} or {base}collections/{id}: the hub sits at {base}hub.
        HubUrl = new Uri(page, "../" + Push.HubLinks.HubPath),
        UidDomain = settings.UidDomain,
        Items = items,
        Updated = updated,
        RefreshInterval = settings.RefreshInterval,
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
}
