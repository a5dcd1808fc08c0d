using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Recurring;
using FeedProxy.Formats.Text;
using FeedProxy.Formats.TimeZones;
using NodaTime;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// Maps a <see cref="FeedDocument"/> to the one VCALENDAR tree that iCalendar, xCal and jCal
/// all serialise. Reads no clock: DTSTAMP is the session's own last change, so equal documents
/// give equal trees (FIELD.md: DTSTAMP must not be "now"). Empty values are left out
/// (libical flags empty properties).
/// </summary>
internal static class CalendarBuilder
{
    public const string ProductId = "-//FeedProxy//FeedProxy//EN";

    public static CalendarComponent Build(FeedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var schedule = document.Event;
        var zone = ZoneFor(document, schedule);

        var properties = new PropertyList();
        properties.Text("PRODID", ProductId);
        properties.Text("VERSION", "2.0");
        properties.Text("CALSCALE", "GREGORIAN");
        // Outlook expects PUBLISH for feeds; iTIP PUBLISH carries no ATTENDEE (RFC 5546 §3.2.1).
        properties.Text("METHOD", "PUBLISH");
        if (document.IsSubscription)
        {
            // RFC 7986 NAME/DESCRIPTION plus the X-WR-* names Apple, Google and Outlook read;
            // never in single-session downloads (Outlook opens a new, empty calendar for them).
            var name = Clean(document.Subtitle) is { } subtitle ? $"{schedule.Name} ({subtitle})" : schedule.Name;
            properties.Text("NAME", name);
            properties.Text("X-WR-CALNAME", name);
            properties.Text("DESCRIPTION", schedule.Description);
            properties.Text("X-WR-CALDESC", schedule.Description);
            properties.Add(new CalendarProperty("REFRESH-INTERVAL", CalendarValueType.Duration, new DurationValue(document.RefreshInterval)));
            properties.Add(new CalendarProperty("X-PUBLISHED-TTL", CalendarValueType.Duration, new DurationValue(document.RefreshInterval)));
        }

        // Must name the zone the times actually use (FIELD.md); a collection whose sessions
        // come from events in different zones names none.
        if (zone is not null && (document.Origins is null || document.Sessions.All(s => ZoneFor(document, document.EventOf(s))?.Id == zone.Id)))
        {
            properties.Text("X-WR-TIMEZONE", zone.Id);
        }

        properties.Uri("URL", schedule.Url);
        properties.Uri("SOURCE", document.SelfUrl.AbsoluteUri);
        properties.Add(new CalendarProperty("LAST-MODIFIED", CalendarValueType.DateTime, DateTimeValue.Utc(document.LastModified)));
        properties.Image(schedule.ImageUrl);

        var components = new List<CalendarComponent>(document.Sessions.Count + 1);
        components.AddRange(TimeZones(document, zone));
        foreach (var session in document.Sessions)
        {
            // In a collection each session keeps its own event's zone, venue and UID.
            var origin = document.EventOf(session);
            if (session.Recurrence is null)
            {
                components.Add(BuildEvent(document, origin, session, document.Origins is null ? zone : ZoneFor(document, origin)));
                continue;
            }

            // A series is written in its own zone whatever the feed's time mode: a rule in UTC
            // would move the meeting by an hour at every DST change (RFC 5545 §3.3.10 expands
            // BYxxx on DTSTART's wall clock).
            var seriesZone = Zoned(RecurrenceExpander.ZoneOf(session, EventZone(origin)));
            components.Add(BuildEvent(document, origin, session, seriesZone, series: session.Recurrence));
            // RFC 5545 §3.8.4.4: each changed instance is a VEVENT with the series' UID and the
            // RECURRENCE-ID of the start it replaces, in the same zone as DTSTART.
            foreach (var o in session.Recurrence.Overrides.OrderBy(o => o.RecurrenceId))
            {
                components.Add(BuildEvent(document, origin, RecurrenceExpander.Instance(session, o), seriesZone, recurrenceId: o.RecurrenceId));
            }
        }

        return new CalendarComponent("VCALENDAR", properties, components);
    }

    private static CalendarComponent BuildEvent(
        FeedDocument document, Event origin, Session session, DateTimeZone? zone, Recurrence? series = null, Instant? recurrenceId = null)
    {
        var properties = new PropertyList();
        properties.Text("UID", document.UidOf(session, origin));
        properties.Add(new CalendarProperty("DTSTAMP", CalendarValueType.DateTime, DateTimeValue.Utc(session.LastModified)));
        // Both ends in the same form: when either is a repeated wall-clock time, both go UTC.
        // A series keeps its zone: its rule is expanded on that wall clock.
        var timeZone = zone is not null && (series is not null || (IsUnambiguous(session.Start, zone) && IsUnambiguous(session.End, zone))) ? zone : null;
        if (recurrenceId is { } id)
        {
            properties.Add(Time("RECURRENCE-ID", id, zone));
        }

        properties.Add(Time("DTSTART", session.Start, timeZone));

        // A zero-length session has no DTEND: RFC 5545 §3.6.1 then ends it at DTSTART, while
        // DTEND equal to DTSTART is rejected by strict readers (§3.8.2.2: DTEND after DTSTART).
        if (session.End.ToUnixTimeSeconds() > session.Start.ToUnixTimeSeconds())
        {
            properties.Add(Time("DTEND", session.End, timeZone));
        }

        if (series is not null)
        {
            AddRecurrence(properties, series, timeZone);
        }

        properties.Add(new CalendarProperty("SEQUENCE", CalendarValueType.Integer, new IntegerValue(session.Revision)));
        properties.Add(new CalendarProperty("LAST-MODIFIED", CalendarValueType.DateTime, DateTimeValue.Utc(session.LastModified)));
        properties.Text("SUMMARY", session.Title);
        properties.Text("DESCRIPTION", EventDescription.Of(session));
        properties.Text("LOCATION", Location(origin, session));
        if ((session.Room?.Geo ?? origin.Venue?.Geo) is { IsValid: true } geo)
        {
            properties.Add(new CalendarProperty(
                "GEO", CalendarValueType.Float, new GeoValue(Math.Round(geo.Latitude, 6), Math.Round(geo.Longitude, 6))));
        }

        properties.Uri("URL", session.Url);
        var categories = new[] { Clean(session.Track?.Name), Clean(session.Type) }
            .Where(c => c is not null)
            .Distinct(StringComparer.Ordinal)
            .Select(c => (CalendarValue)new TextValue(c!))
            .ToList();
        if (categories.Count > 0)
        {
            properties.Add(new CalendarProperty("CATEGORIES", [], CalendarValueType.Text, categories));
        }

        properties.Text("COLOR", CssColors.NearestName(session.Track?.Color));
        properties.Image(session.ImageUrl);
        if (Clean(session.StreamUrl) is { } stream)
        {
            properties.Add(new CalendarProperty(
                "CONFERENCE",
                [new("FEATURE", "VIDEO"), new("LABEL", "Live stream")],
                CalendarValueType.Uri,
                [new UriValue(stream)]));
        }

        properties.Uri("ATTACH", session.SlidesUrl);
        // STATUS:CANCELLED (with the bumped SEQUENCE) removes the event in subscribers;
        // dropping it silently would leave stale copies (FIELD.md).
        properties.Text("STATUS", session.State == SessionState.Cancelled ? "CANCELLED" : "CONFIRMED");
        properties.Text("CLASS", "PUBLIC");
        properties.Text("TRANSP", "OPAQUE");
        return new CalendarComponent("VEVENT", properties, []);
    }

    /// <summary>
    /// RRULE, RDATE and EXDATE (RFC 5545 §3.8.5), dates in DTSTART's form (§3.8.5.1: EXDATE
    /// and RDATE share DTSTART's value type and zone). Rules are written in canonical form.
    /// </summary>
    private static void AddRecurrence(PropertyList properties, Recurrence series, DateTimeZone? zone)
    {
        foreach (var text in series.Rules)
        {
            if (RecurrenceRule.TryParse(text, out var rule, out _))
            {
                properties.Add(new CalendarProperty("RRULE", CalendarValueType.Recur, new RuleValue(rule!)));
            }
        }

        if (series.Dates.Count > 0)
        {
            properties.Add(Times("RDATE", [.. series.Dates.Order()], zone));
        }

        if (series.ExceptionDates.Count > 0)
        {
            properties.Add(Times("EXDATE", [.. series.ExceptionDates.Order()], zone));
        }
    }

    private static CalendarProperty Times(string name, IReadOnlyList<Instant> instants, DateTimeZone? zone)
    {
        var values = instants.Select(i => (CalendarValue)((DateTimeValue)Time(name, i, zone).Values[0])).ToList();
        return zone is null
            ? new CalendarProperty(name, [], CalendarValueType.DateTime, values)
            : new CalendarProperty(name, [new CalendarParameter("TZID", zone.Id)], CalendarValueType.DateTime, values);
    }

    /// <summary>
    /// The VTIMEZONE of every zone a time is written in: the event's for one-off sessions, each
    /// series' own, spanning the sessions (and the overrides and dates of series) that use it.
    /// </summary>
    private static IEnumerable<CalendarComponent> TimeZones(FeedDocument document, DateTimeZone? zone)
    {
        var spans = new Dictionary<string, (DateTimeZone Zone, Instant From, Instant To)>(StringComparer.Ordinal);
        void Use(DateTimeZone? z, Instant from, Instant to)
        {
            if (z is null)
            {
                return;
            }

            spans[z.Id] = spans.TryGetValue(z.Id, out var span)
                ? (z, from < span.From ? from : span.From, to > span.To ? to : span.To)
                : (z, from, to);
        }

        foreach (var session in document.Sessions)
        {
            var origin = document.EventOf(session);
            if (session.Recurrence is not { } r)
            {
                Use(document.Origins is null ? zone : ZoneFor(document, origin), session.Start, session.End);
                continue;
            }

            var seriesZone = Zoned(RecurrenceExpander.ZoneOf(session, EventZone(origin)));
            var instants = r.Dates.Concat(r.ExceptionDates).Concat(r.Overrides.SelectMany(o => new[] { o.RecurrenceId, o.Instance.Start, o.Instance.End }))
                .Append(session.Start).Append(session.End).ToList();
            Use(seriesZone, instants.Min(), instants.Max());
        }

        // The event's zone first (as before series existed), then others by id.
        return spans.Values
            .OrderBy(s => s.Zone.Id == zone?.Id ? 0 : 1)
            .ThenBy(s => s.Zone.Id, StringComparer.Ordinal)
            .Select(s => VTimeZoneBuilder.Build(s.Zone, s.From, s.To));
    }

    /// <summary>The zone one-off sessions of an event are written in, or null for UTC ("Z") times.</summary>
    private static DateTimeZone? ZoneFor(FeedDocument document, Event schedule)
    {
        // "UTC", "Etc/UTC" and friends: write Z times, never TZID=UTC (FIELD.md, ical.net#58).
        var zone = document.Options.TimeMode == TimeMode.EventZone
            ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone)
            : null;
        return zone is null ? null : Zoned(zone);
    }

    private static DateTimeZone EventZone(Event schedule) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;

    /// <summary>The zone as written: null (UTC "Z" times) for zones that are always UTC.</summary>
    private static DateTimeZone? Zoned(DateTimeZone zone) =>
        zone.MinOffset == Offset.Zero && zone.MaxOffset == Offset.Zero ? null : zone;

    /// <summary>Local time with TZID (a VTIMEZONE is written for it) or UTC; never floating.</summary>
    private static CalendarProperty Time(string name, Instant instant, DateTimeZone? zone)
    {
        if (zone is null)
        {
            return new CalendarProperty(name, CalendarValueType.DateTime, DateTimeValue.Utc(instant));
        }

        var whole = Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());
        var local = whole.InZone(zone).LocalDateTime;
        return new CalendarProperty(
            name,
            new CalendarParameter("TZID", zone.Id),
            CalendarValueType.DateTime,
            new DateTimeValue(local, IsUtc: false));
    }

    /// <summary>
    /// False for a wall-clock time that occurs twice (the hour repeated when clocks go back):
    /// RFC 5545 §3.3.5 means the first occurrence, but libical and ical.js take the second,
    /// so such times are written in UTC, which every client reads the same.
    /// </summary>
    private static bool IsUnambiguous(Instant instant, DateTimeZone zone) =>
        zone.MapLocal(Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds()).InZone(zone).LocalDateTime).Count == 1;

    private static string? Location(Event schedule, Session session)
    {
        var parts = new[] { Clean(session.Room?.Name), Clean(schedule.Venue?.Name) }.Where(p => p is not null);
        var location = string.Join(", ", parts);
        return location.Length == 0 ? null : location;
    }

    /// <summary>
    /// Text is sanitised where it enters the model, and then this is a no-op that returns the
    /// same instance; it only keeps a stray control character from making XmlWriter throw, or
    /// a blank value from becoming an empty property.
    /// </summary>
    private static string? Clean(string? value) => TextSanitizer.Text(value);

    /// <summary>Property list that leaves out empty values.</summary>
    private sealed class PropertyList : List<CalendarProperty>
    {
        public void Text(string name, string? value)
        {
            if (Clean(value) is { } text)
            {
                Add(new CalendarProperty(name, CalendarValueType.Text, new TextValue(text)));
            }
        }

        public void Uri(string name, string? value)
        {
            if (Clean(value) is { } uri)
            {
                Add(new CalendarProperty(name, CalendarValueType.Uri, new UriValue(uri)));
            }
        }

        /// <summary>RFC 7986 §5.10 IMAGE by reference; BADGE is the small icon use.</summary>
        public void Image(string? value)
        {
            if (Clean(value) is { } uri)
            {
                Add(new CalendarProperty("IMAGE", new CalendarParameter("DISPLAY", "BADGE"), CalendarValueType.Uri, new UriValue(uri)));
            }
        }
    }
}
