using System.Xml.Linq;
using FeedProxy.Http;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.CalDav;

/// <summary>
/// calendar-query (RFC 4791 §7.8) with the filters clients send to list or window a calendar:
/// comp-filter VCALENDAR, then comp-filter VEVENT with an optional time-range (§9.9); a
/// recurring series matches when any occurrence overlaps the range (<see cref="TimeRangeMatcher"/>).
/// Other components (VTODO, VJOURNAL…) match nothing here. prop-filter and param-filter are not
/// supported and are refused with CALDAV:supported-filter (§7.7). calendar-data is returned whole
/// (expand and limit-recurrence-set are not applied).
/// </summary>
internal sealed class CalendarQueryReport(TimeRangeMatcher matcher)
{
    private static readonly InstantPattern UtcPattern = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    /// <returns>The matching objects, or the answer to give instead (429 when the client's budget is spent).</returns>
    public async Task<(IReadOnlyList<DavMember> Members, IResult? Refused)> RunAsync(DavRequest request, DavResource calendar, XElement body)
    {
        var props = ReportHandler.Props(body);
        var filter = body.Element(DavNames.Filter);
        var top = filter?.Elements().ToList();
        if (top is not [{ } calendarFilter] || calendarFilter.Name != DavNames.CompFilter || !IsNamed(calendarFilter, "VCALENDAR"))
        {
            throw new DavRequestException(StatusCodes.Status403Forbidden, "A calendar-query needs one comp-filter named VCALENDAR.", DavNames.ValidFilter);
        }

        if (calendarFilter.Descendants().Any(e => e.Name == DavNames.PropFilter || e.Name == DavNames.CalDav + "param-filter"))
        {
            throw new DavRequestException(StatusCodes.Status403Forbidden, "prop-filter and param-filter are not supported.", DavNames.SupportedFilter);
        }

        var index = calendar.Index!;
        var components = calendarFilter.Elements(DavNames.CompFilter).ToList();
        if (calendarFilter.Element(DavNames.IsNotDefined) is not null)
        {
            return ([], null);
        }

        IEnumerable<CalendarEntry> matches = index.Entries;
        if (components.Count > 0)
        {
            var eventFilter = components.FirstOrDefault(c => IsNamed(c, "VEVENT"));
            // Every filter must match (§9.7.1): a filter for another component matches nothing here.
            if (eventFilter is null || components.Count > 1 || eventFilter.Element(DavNames.IsNotDefined) is not null)
            {
                return ([], null);
            }

            if (eventFilter.Element(DavNames.TimeRange) is { } range)
            {
                var start = Parse(range.Attribute("start")?.Value) ?? Instant.MinValue;
                var end = Parse(range.Attribute("end")?.Value) ?? Instant.MaxValue;
                if (range.Attribute("start") is null && range.Attribute("end") is null || start >= end)
                {
                    throw new DavRequestException(StatusCodes.Status400BadRequest, "A time-range needs start or end, start before end (RFC 4791 section 9.9).", DavNames.ValidFilter);
                }

                // Evaluated on the schedule each time, never cached: it spends the client's
                // budget as a render does (docs/security.md).
                if (request.Admit() is { } wait)
                {
                    return ([], Problems.TooManyRequests(wait));
                }

                var names = await matcher.MatchAsync(calendar.Calendar!, start, end, request.Aborted);
                matches = index.Entries.Where(e => names.Contains(e.Name));
            }
        }

        return ([.. matches.Select(e => ReportHandler.ObjectResponse(calendar, e, props))], null);
    }

    private static bool IsNamed(XElement element, string name) =>
        string.Equals(element.Attribute("name")?.Value, name, StringComparison.OrdinalIgnoreCase);

    // §9.9: UTC date-time values, "20270101T000000Z".
    private static Instant? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var parsed = UtcPattern.Parse(value.Trim());
        return parsed.Success
            ? parsed.Value
            : throw new DavRequestException(StatusCodes.Status400BadRequest, $"time-range value '{value}' is not a UTC date-time like 20270101T000000Z.", DavNames.ValidFilter);
    }
}
