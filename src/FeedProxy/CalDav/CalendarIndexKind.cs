using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Rendering;
using FeedProxy.Storage;

namespace FeedProxy.CalDav;

/// <summary>One request for a calendar's object index.</summary>
/// <param name="BaseUrl">Base of the feed URL the objects are split from (the objects themselves never contain it).</param>
internal sealed class CalendarIndexRequest(CalendarRef calendar, Uri baseUrl) : IRenderRequest
{
    public CalendarRef Calendar => calendar;

    public Uri BaseUrl => baseUrl;

    /// <summary>"event:{id}" or "collection:{id}": the kind serves both, and the cache tag follows the prefix.</summary>
    public string Id => calendar.HistoryKey;

    public bool IsPrivate => calendar.Token is not null;

    // Nothing else changes the index: objects carry neither the host nor the token.
    public string Representation { get; } = CacheKeys.Join(calendar.HistoryKey, calendar.Token is null ? "-" : "p");
}

/// <summary>
/// CalDAV's cached work in the render pipeline: per event or collection version (and hour,
/// as the feeds' selection depends on the clock) the packed <see cref="CalendarIndex"/>, the
/// calendar's objects with their ETags. Rendering it asks the feed pipeline for the calendar's
/// iCalendar feed (shared with .ics subscribers) and splits it; a hidden or unknown calendar
/// is hidden here too, so asking costs what asking for a nonexistent one does. Each new
/// index's manifest is written to the sync history before the index is cached, so any token
/// a client was given can be looked up by every instance.
/// </summary>
internal sealed class CalendarIndexKind(
    IEventStore events, ICollectionStore collections, CollectionVersions versions, IServiceProvider services, ISyncHistory history)
    : RenderKind<CalendarIndexRequest, CalendarIndex>("caldav")
{
    private const string EventPrefix = "event:";
    private const string CollectionPrefix = "collection:";

    public override string CacheTag(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.StartsWith(CollectionPrefix, StringComparison.Ordinal)
            ? CollectionFeedService.CacheTag(id[CollectionPrefix.Length..])
            : FeedService.CacheTag(id.StartsWith(EventPrefix, StringComparison.Ordinal) ? id[EventPrefix.Length..] : id);
    }

    public override async ValueTask<string?> GetVersionAsync(CalendarIndexRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var calendar = request.Calendar;
        if (!calendar.IsCollection)
        {
            return await events.GetVersionAsync(calendar.Id, cancellationToken);
        }

        var snapshot = await collections.GetAsync(calendar.Id, cancellationToken);
        return snapshot is null || (snapshot.Definition.Visibility == EventVisibility.Private && !request.IsPrivate)
            ? null
            : await versions.VersionAsync(snapshot, cancellationToken);
    }

    public override async Task<RenderOutcome<CalendarIndex>> RenderAsync(CalendarIndexRequest request, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(request);
        var calendar = request.Calendar;
        var feedRequest = new FeedRequest { EventId = calendar.Id, Format = FeedFormat.ICalendar };
        // The feed's own URL, so CalDAV and .ics subscribers share one cached render.
        var kind = calendar.IsCollection ? "collections" : "events";
        var self = new Uri(request.BaseUrl, (request.IsPrivate ? $"private/{Uri.EscapeDataString(calendar.Token!)}/" : string.Empty) + $"{kind}/{Uri.EscapeDataString(calendar.Id)}.ics");
        // This render was admitted (budget) by the pipeline already: the feed render it may need is part of it.
        var result = calendar.IsCollection
            ? await services.GetRequiredService<CollectionFeedService>().GetAsync(feedRequest, request.BaseUrl, self, request.IsPrivate, CancellationToken.None)
            : await services.GetRequiredService<FeedService>().GetAsync(feedRequest, request.BaseUrl, self, request.IsPrivate, CancellationToken.None);
        switch (result)
        {
            case FeedResult.Found found:
                var index = CalendarIndex.FromFeed(found.Feed.Identity.Span, found.Feed.LastModified, found.Feed.Events);
                await history.RememberAsync(calendar.HistoryKey, index.Token, index.Manifest.ToArray(), CancellationToken.None);
                return RenderOutcome<CalendarIndex>.Rendered(index);
            case FeedResult.Unavailable unavailable:
                // A store failure: the pipeline answers with the last good index, if any.
                throw new InvalidOperationException(unavailable.Detail);
            case FeedResult.Invalid invalid:
                return RenderOutcome<CalendarIndex>.Rejected(invalid.Detail);
            default:
                return RenderOutcome<CalendarIndex>.HiddenOutcome;
        }
    }

    public override byte[] Pack(CalendarIndex payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return payload.Pack();
    }

    public override CalendarIndex? Unpack(byte[] packed) => CalendarIndex.Unpack(packed);
}
