using Carter;
using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Http;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Schedule;

/// <summary>
/// The schedule people look at: /events/{id}/schedule and /collections/{id}/schedule (the
/// grid with the site's header and the embed snippet), /events/{id}/embed and
/// /collections/{id}/embed (the same grid without chrome, themable, framable by any site).
/// Public calendars only; the feed query's filters and <c>q</c> apply, <c>day</c> picks the day.
/// </summary>
public sealed class ScheduleGridEndpoints : ICarterModule
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var (kind, view) in new[] { ("events", "schedule"), ("events", "embed"), ("collections", "schedule"), ("collections", "embed") })
        {
            var embed = view == "embed";
            app.MapMethods($"/{kind}/{{id}}/{view}", Methods, (string id, HttpContext context) => ServeAsync(kind, id, embed, context))
                .WithTags("Schedule").WithName($"Get{(kind == "events" ? "Event" : "Collection")}{(embed ? "Embed" : "Schedule")}")
                .WithSummary(embed ? "The schedule grid for other sites' iframes." : "The schedule as a grid: rooms as columns, time as rows.");
        }
    }

    private static async Task<IResult> ServeAsync(string kind, string id, bool embed, HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<FeedProxyOptions>>().Value;
        var notFound = Problems.NotFound($"No {(kind == "events" ? "event" : "collection")} '{id}'.");
        if (!ScheduleId.IsValid(id))
        {
            return Problems.NotFound("No schedule at this URL.");
        }

        if (!EmbedTheme.TryParse(context.Request.Query, out var theme, out var themeError))
        {
            return Problems.BadRequest(themeError!);
        }

        // The feed query's rules (filters, q, their 400s); "day" here picks the day shown.
        if (!FeedRequest.TryParse(id + ".ics", context.Request.Query, sessionId: null, out var parsed, out var error))
        {
            return Problems.BadRequest(error ?? "Invalid query.");
        }

        var request = parsed! with { Filters = parsed.Filters.Remove("day") };
        LocalDate? wantedDay = null;
        if (parsed.Filters.TryGetValue("day", out var days))
        {
            if (days.Count > 1 || NodaTime.Text.LocalDatePattern.Iso.Parse(days.Min!) is not { Success: true } day)
            {
                return Problems.BadRequest("Query parameter 'day' must be one date, yyyy-MM-dd.");
            }

            wantedDay = day.Value;
        }

        var time = services.GetRequiredService<TimeProvider>();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var baseUrl = FeedEndpoints.BaseUrl(context.Request, options);

        // The render cache of feeds holds pages too: keyed by the calendar's version (any
        // change makes a new key, as for feeds), the five minutes the now-line stands in, and
        // everything the request chose. A hit costs a version lookup and a cache read.
        var cacheKey = await CacheKeyAsync(kind, id, embed, theme, request, wantedDay, baseUrl, context, now);
        if (cacheKey is not null && await CachedAsync(services, cacheKey, context.RequestAborted) is { } cached)
        {
            return new ScheduleHtmlResult(cached, embed);
        }

        // A render is expensive work, paid from the client's budget like the subscribe page.
        if (services.GetRequiredService<Limits.ClientBudget>().TrySpend(context) is { } wait)
        {
            return Problems.TooManyRequests(wait);
        }

        ScheduleContent? content;
        try
        {
            content = kind == "events"
                ? await EventContentAsync(id, request, services, baseUrl, now, context.RequestAborted)
                : await CollectionContentAsync(id, request, services, baseUrl, context.RequestAborted);
        }
        catch (ScheduleQueryException ex)
        {
            return Problems.BadRequest(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable("The schedule store is unavailable. Try again shortly.");
        }

        if (content is null)
        {
            return notFound;
        }

        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(content.TimeZone) ?? DateTimeZone.Utc;
        var sessionDays = content.Sessions.Select(s => s.Start.InZone(zone).Date).Distinct().Order().ToList();
        if (wantedDay is { } chosen && !sessionDays.Contains(chosen))
        {
            return Problems.BadRequest($"Unknown day '{NodaTime.Text.LocalDatePattern.Iso.Format(chosen)}' in 'day': use a day with sessions.");
        }

        var today = now.InZone(zone).Date;
        var shownDay = wantedDay ?? (sessionDays.Contains(today) ? today : sessionDays.FirstOrDefault(d => d > today, sessionDays.Count > 0 ? sessionDays[0] : today));
        var relative = $"{kind}/{id}";
        var kept = KeptQuery(request).Concat(theme.Query()).ToList();
        var model = new ScheduleGridModel
        {
            Title = content.Title,
            Zone = zone,
            Sessions = content.Sessions,
            Rooms = content.Rooms,
            Days = sessionDays,
            Day = shownDay,
            Now = now,
            PagePath = context.Request.PathBase.Add($"/{relative}/{(embed ? "embed" : "schedule")}").ToUriComponent(),
            KeptQuery = kept,
            Search = context.Request.Query.TryGetValue("q", out var q) ? q[0] : null,
            PollPath = context.Request.PathBase.Add($"/{relative}.json").ToUriComponent(),
            SubscribePath = context.Request.PathBase.Add($"/{relative}").ToUriComponent(),
            EmbedUrl = new Uri(baseUrl, $"{relative}/embed" + ScheduleGridRenderer.QueryString(KeptQuery(request))).AbsoluteUri,
            IsEmbed = embed,
            Theme = theme,
        };
        var body = ScheduleGridRenderer.Render(model);
        if (cacheKey is not null)
        {
            await StoreAsync(services, cacheKey, body, kind == "events" ? FeedService.CacheTag(id) : CollectionFeedService.CacheTag(id));
        }

        return new ScheduleHtmlResult(body, embed);
    }

    private static async ValueTask<string?> CacheKeyAsync(
        string kind, string id, bool embed, EmbedTheme theme, FeedRequest request, LocalDate? day, Uri baseUrl, HttpContext context, Instant now)
    {
        var services = context.RequestServices;
        var version = kind == "events"
            ? await services.GetRequiredService<FeedService>().TryGetVersionAsync(id, context.RequestAborted)
            : await services.GetRequiredService<CollectionFeedService>().TryGetVersionAsync(id, context.RequestAborted);
        if (version is null)
        {
            return null; // unknown, or the store is failing: the full path answers
        }

        var slot = now.ToUnixTimeSeconds() / (ScheduleGridRenderer.SlotMinutes * 60);
        return string.Join('\u001f', "grid", kind, id, version, slot, embed ? "embed" : "schedule", theme.Dark ? "dark" : "light", theme.Accent ?? "-",
            request.RepresentationKey, day?.ToString("yyyy-MM-dd", null) ?? "-", baseUrl.AbsoluteUri, context.Request.PathBase.Value ?? string.Empty,
            context.Request.Query.TryGetValue("q", out var q) ? q[0] : "-");
    }

    private static async ValueTask<byte[]?> CachedAsync(IServiceProvider services, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await services.GetRequiredService<Caching.IFeedCacheStore>().GetAsync(key, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null; // a failing cache only costs a render
        }
    }

    private static async ValueTask StoreAsync(IServiceProvider services, string key, byte[] body, string tag)
    {
        try
        {
            await services.GetRequiredService<Caching.IFeedCacheStore>().SetAsync(key, body, [tag], TimeSpan.FromMinutes(ScheduleGridRenderer.SlotMinutes), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not cached: the next request renders again.
        }
    }

    /// <summary>The request's filters in canonical form, kept by the day links and the search form.</summary>
    private static IEnumerable<KeyValuePair<string, string>> KeptQuery(FeedRequest request) =>
        request.Filters.SelectMany(f => f.Value.Select(v => KeyValuePair.Create(f.Key, v)));

    private static async Task<ScheduleContent?> EventContentAsync(string id, FeedRequest request, IServiceProvider services, Uri baseUrl, Instant now, CancellationToken cancellationToken)
    {
        var snapshot = await services.GetRequiredService<IEventStore>().GetAsync(id, cancellationToken);
        // Private events have no grid (their data lives only under their token); unpublished ones none at all.
        if (snapshot is not { Event.Published: true } || snapshot.Event.Visibility == EventVisibility.Private)
        {
            return null;
        }

        var schedule = snapshot.Event;
        var policy = services.GetRequiredService<FeedService>().Policy();
        var filter = request.ResolveFilter(schedule, FeedSelection.Visible(schedule, policy, now), out var error);
        if (error is not null)
        {
            throw new ScheduleQueryException(error);
        }

        var sessions = FeedSelection.Select(schedule, policy, now, filter, RecurrenceMode.Expand);
        var rooms = schedule.Rooms.Select(r => r.Name).Concat(sessions.Select(s => s.Room?.Name ?? ScheduleGridRenderer.NoRoom)).Distinct(StringComparer.Ordinal).ToList();
        return new ScheduleContent(schedule.Name, schedule.TimeZone, rooms, [.. sessions.Select(s => Grid(s, schedule, baseUrl))]);
    }

    private static async Task<ScheduleContent?> CollectionContentAsync(string id, FeedRequest request, IServiceProvider services, Uri baseUrl, CancellationToken cancellationToken)
    {
        if (request.Filters.Count > 0)
        {
            throw new ScheduleQueryException("A collection's schedule takes no filter parameters (its members carry their own); 'q' and 'day' apply.");
        }

        var snapshot = await services.GetRequiredService<ICollectionStore>().GetAsync(id, cancellationToken);
        if (snapshot is null || snapshot.Definition.Visibility == EventVisibility.Private)
        {
            return null;
        }

        var content = await services.GetRequiredService<CollectionFeedService>().LoadAsync(snapshot.Definition, allowPrivate: false, cancellationToken, RecurrenceMode.Expand);
        var sessions = content.Sessions.Where(s => request.Search is null || request.Search.Matches(s)).ToList();
        var rooms = sessions.Select(s => s.Room?.Name ?? ScheduleGridRenderer.NoRoom).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new ScheduleContent(content.Calendar.Name, content.Calendar.TimeZone, rooms, [.. sessions.Select(s => Grid(s, content.Origins[s], baseUrl))]);
    }

    private static GridSession Grid(Session session, Event origin, Uri baseUrl)
    {
        var occurrence = FeedDocument.OccurrenceKey(session);
        var download = $"events/{origin.Id}/sessions/{session.Id}.ics" + (occurrence is null ? string.Empty : "?occurrence=" + occurrence);
        var key = origin.Id + "-" + session.Id + (occurrence is null ? string.Empty : "-" + occurrence);
        return new GridSession(
            key, session.Title, session.Start, session.End, session.Room?.Name, session.Track?.Name,
            session.Color ?? (session.Track?.Color is { } c && Formats.ICalendar.CalendarColor.TryNormalize(c, out var hex) ? hex : null),
            session.State == SessionState.Cancelled, [.. session.Speakers.Select(s => s.Name)], session.Abstract, session.Type,
            new Uri(baseUrl, download).AbsoluteUri);
    }

    /// <summary>What a grid shows of an event or a collection.</summary>
    private sealed record ScheduleContent(string Title, string TimeZone, IReadOnlyList<string> Rooms, IReadOnlyList<GridSession> Sessions);

    /// <summary>A filter that does not resolve: a 400, as for feeds.</summary>
    private sealed class ScheduleQueryException(string message) : Exception(message);
}
