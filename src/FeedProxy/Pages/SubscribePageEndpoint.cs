using FeedProxy.Agenda;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using FeedProxy.Http;
using FeedProxy.Private;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using NodaTime;

namespace FeedProxy.Pages;

/// <summary>
/// The subscribe page at /events/{id} (and /private/{token}/events/{id}), for requests that
/// accept text/html. A plain GET form re-renders it with filters or a chosen agenda, so it
/// works without JavaScript.
/// </summary>
internal static class SubscribePageEndpoint
{
    /// <summary>Most sessions one agenda code may name (keeps URLs within what clients accept).</summary>
    public const int MaxAgendaSessions = 300;

    /// <summary>True when the Accept header lists text/html with a non-zero quality.</summary>
    public static bool AcceptsHtml(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }

        return types.Any(t => t.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && (t.Quality ?? 1) > 0);
    }

    public static async Task<IResult> ServeAsync(string eventId, PageAccess? access, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<FeedProxyOptions>>().Value;
        var store = services.GetRequiredService<IEventStore>();
        var feeds = services.GetRequiredService<FeedService>();
        var time = services.GetRequiredService<TimeProvider>();
        var notFound = Problems.NotFound($"No event '{eventId}'.");
        if (!ScheduleId.IsValid(eventId))
        {
            return Problems.NotFound("No event at this URL.");
        }

        EventSnapshot? snapshot;
        try
        {
            snapshot = await store.GetAsync(eventId, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable("The schedule store is unavailable. Try again shortly.");
        }

        // Private events exist only under their token; unpublished ones nowhere.
        if (snapshot is not { Event.Published: true } || (snapshot.Event.Visibility == EventVisibility.Private && access is null))
        {
            return notFound;
        }

        var schedule = snapshot.Event;
        var query = context.Request.Query;
        if (!FeedRequest.TryParse(eventId + ".ics", query, sessionId: null, out var parsed, out var error))
        {
            return Problems.BadRequest(error ?? "Invalid query.");
        }

        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var policy = feeds.Policy();
        var filter = parsed!.ResolveFilter(schedule, FeedSelection.Visible(schedule, policy, now), out error);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        // The page lists dates, so a recurring session shows each occurrence in the window.
        var all = FeedSelection.Select(schedule, policy, now, mode: RecurrenceMode.Expand);
        var selected = filter is null ? all : FeedSelection.Select(schedule, policy, now, filter, RecurrenceMode.Expand);

        var baseUrl = FeedEndpoints.BaseUrl(context.Request, options);
        var relative = access is null
            ? $"events/{Uri.EscapeDataString(schedule.Id)}"
            : PrivateAccess.PathFor(schedule.Id, access.Token);
        var model = new SubscribePageModel
        {
            Event = schedule,
            Zone = zone,
            AllSessions = all,
            Sessions = selected,
            Filter = filter,
            FilterQuery = CanonicalQuery(filter),
            Alarm = parsed.Options.Alarms.Count > 0 ? parsed.Options.AlarmKey : null,
            FeedStem = new Uri(baseUrl, relative).AbsoluteUri,
            PagePath = context.Request.PathBase.Add("/" + relative).ToUriComponent(),
            OffersAgenda = access is null,
            LinksAreLocalOnly = options.PublicBaseUrl is null && IsLoopback(baseUrl),
            CalDavAccountUrl = CalDav.CalDavLinks.AccountUrl(baseUrl, isCollection: false, schedule.Id, access?.Token).AbsoluteUri,
            CalDavCalendarUrl = CalDav.CalDavLinks.CalendarUrl(baseUrl, isCollection: false, schedule.Id, access?.Token).AbsoluteUri,
        };
        // draft-ietf-calext-subscription-upgrade: the page, like the feed, names its CalDAV twin.
        context.Response.Headers.Link = $"<{model.CalDavCalendarUrl}>; rel=\"subscribe-caldav\"";

        if (access is null && query.TryGetValue("session", out var chosen))
        {
            // Only sessions the page itself lists can go into an agenda.
            var listed = all.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var ids = chosen.Where(id => id is not null && listed.Contains(id)).Select(id => id!)
                .Distinct(StringComparer.Ordinal).Take(MaxAgendaSessions).ToList();
            if (ids.Count > 0)
            {
                // Capped to what an agenda URL can carry, so every code the page hands out resolves.
                var code = services.GetRequiredService<AgendaKeyProvider>().Codes.CreateWithin(schedule.Id, ids, out var used);
                ids = ids.Take(used).ToList();
                var path = AgendaEndpoints.PathFor(schedule.Id, code, "ics");
                model = model with
                {
                    AgendaStem = new Uri(baseUrl, path[..^4]).AbsoluteUri,
                    AgendaCount = ids.Count,
                    AgendaSessionIds = ids.ToHashSet(StringComparer.Ordinal),
                };
            }
        }

        return new HtmlPageResult(SubscribePageRenderer.Render(model), isPrivate: access is not null);
    }

    /// <summary>The filter as query pairs in a fixed order with canonical values (ids, ISO dates, type slugs).</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> CanonicalQuery(SessionFilter? filter)
    {
        if (filter is null)
        {
            return [];
        }

        static IEnumerable<KeyValuePair<string, string>> Pairs(string name, IEnumerable<string> values) =>
            values.Select(v => KeyValuePair.Create(name, v));

        return
        [
            .. Pairs("track", filter.Tracks),
            .. Pairs("room", filter.Rooms),
            .. Pairs("speaker", filter.Speakers),
            .. Pairs("day", filter.Days.Select(d => d.ToString("yyyy-MM-dd", null))),
            .. Pairs("type", filter.Types.Select(Slug.From)),
            .. Pairs("lang", filter.Languages.Select(l => l.ToLowerInvariant())),
        ];
    }

    private static bool IsLoopback(Uri baseUrl) =>
        baseUrl.IsLoopback
        || baseUrl.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || baseUrl.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
}
