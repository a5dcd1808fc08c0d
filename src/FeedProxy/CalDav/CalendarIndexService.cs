using FeedProxy.Caching;
using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using Microsoft.Extensions.Options;

namespace FeedProxy.CalDav;

/// <summary>Outcome of asking for a calendar's objects.</summary>
internal abstract record IndexResult
{
    public sealed record Found(CalendarIndex Index) : IndexResult;

    /// <summary>No such calendar here (unknown, unpublished, or private outside its token: all alike).</summary>
    public sealed record NotFound : IndexResult;

    public sealed record Unavailable(string Detail) : IndexResult;

    public sealed record Limited(TimeSpan RetryAfter) : IndexResult;
}

/// <summary>
/// A calendar's objects come from its iCalendar feed as the feed services serve it (their
/// version lookup, cache, single-flight render and stale fallback), split into objects once
/// per rendered feed and cached beside it: the packed <see cref="CalendarIndex"/> is keyed by
/// the feed's content hash and the hour, so an unchanged feed costs one cache read, and any
/// change in what the feed shows is a new index at once. Each new index's manifest goes into
/// the sync history, which is how a token issued anywhere can be answered everywhere.
/// </summary>
internal sealed partial class CalendarIndexService(
    FeedService feeds,
    CollectionFeedService collections,
    IFeedCacheStore cache,
    ISyncHistory history,
    IOptions<FeedProxyOptions> options,
    ILogger<CalendarIndexService> logger)
{
    /// <param name="admit">Asked before expensive work (a render or a split): null admits, else how long the client must wait.</param>
    public async ValueTask<IndexResult> GetAsync(CalendarRef calendar, Uri baseUrl, Func<TimeSpan?>? admit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var request = new FeedRequest { EventId = calendar.Id, Format = FeedFormat.ICalendar };
        var allowPrivate = calendar.Token is not null;
        // The feed's own URL, so CalDAV and .ics subscribers share one cached render.
        var kind = calendar.IsCollection ? "collections" : "events";
        var self = new Uri(baseUrl, (allowPrivate ? $"private/{Uri.EscapeDataString(calendar.Token!)}/" : string.Empty) + $"{kind}/{Uri.EscapeDataString(calendar.Id)}.ics");
        var result = calendar.IsCollection
            ? await collections.GetAsync(request, baseUrl, self, allowPrivate, cancellationToken, admit)
            : await feeds.GetAsync(request, baseUrl, self, allowPrivate, cancellationToken, ContentCoding.Identity, admit);
        switch (result)
        {
            case FeedResult.Found found:
                return await IndexAsync(calendar, found.Feed, admit, cancellationToken);
            case FeedResult.Limited limited:
                return new IndexResult.Limited(limited.RetryAfter);
            case FeedResult.Unavailable unavailable:
                return new IndexResult.Unavailable(unavailable.Detail);
            default:
                return new IndexResult.NotFound();
        }
    }

    private async ValueTask<IndexResult> IndexAsync(CalendarRef calendar, RenderedFeed feed, Func<TimeSpan?>? admit, CancellationToken cancellationToken)
    {
        // Per hour as well as per content: remembering the manifest hourly keeps the current
        // token of a calendar that never changes from ageing out of the sync history.
        var key = $"caldav\u001f{feed.Hash}\u001f{feeds.CurrentHour()}\u001f{calendar.HistoryKey}";
        var tag = calendar.IsCollection ? CollectionFeedService.CacheTag(calendar.Id) : FeedService.CacheTag(calendar.Id);
        try
        {
            if (await cache.GetAsync(key, cancellationToken) is { } packed && CalendarIndex.Unpack(packed) is { } hit)
            {
                return new IndexResult.Found(hit);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheFailed(ex.Message);
        }

        if (admit?.Invoke() is { } wait)
        {
            return new IndexResult.Limited(wait);
        }

        var index = CalendarIndex.FromFeed(feed.Identity.Span, feed.LastModified);
        try
        {
            // Remembered before the index is cached: a token anyone was given is in the history.
            await history.RememberAsync(calendar.HistoryKey, index.Token, index.Manifest, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHistoryFailed(calendar.HistoryKey, ex.Message);
            return new IndexResult.Unavailable("The schedule store is unavailable. Try again shortly.");
        }

        try
        {
            await cache.SetAsync(key, index.Pack(), [tag], TimeSpan.FromMinutes(Math.Max(1, options.Value.Caching.EntryLifetimeMinutes)), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheFailed(ex.Message);
        }

        return new IndexResult.Found(index);
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "CalDAV index cache failed: {Message}")]
    private partial void LogCacheFailed(string message);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "CalDAV sync history of {Calendar} could not be written: {Message}")]
    private partial void LogHistoryFailed(string calendar, string message);
}
