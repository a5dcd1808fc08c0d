using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
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

        // A collection's sessions keep their own events' zones: one VTIMEZONE per zone used.
        var zones = ZonesUsed(document);
        if (zone is not null && (document.Origins is null || (zones.Count == 1 && zones[0].Zone == zone)))
        {
            // Must name the zone the times actually use (FIELD.md); a feed mixing zones names none.
            properties.Text("X-WR-TIMEZONE", zone.Id);
        }

        properties.Uri("URL", schedule.Url);
        properties.Uri("SOURCE", document.SelfUrl.AbsoluteUri);
        properties.Add(new CalendarProperty("LAST-MODIFIED", CalendarValueType.DateTime, DateTimeValue.Utc(document.LastModified)));
        properties.Image(schedule.ImageUrl);

        var components = new List<CalendarComponent>(document.Sessions.Count + 1);
        foreach (var (used, start, end) in zones)
        {
            components.Add(VTimeZoneBuilder.Build(used, start, end));
        }

        foreach (var session in document.Sessions)
        {
            components.Add(BuildEvent(document, session, document.Origins is null ? zone : ZoneFor(document, document.EventOf(session))));
        }

        return new CalendarComponent("VCALENDAR", properties, components);
    }

    private static CalendarComponent BuildEvent(FeedDocument document, Session session, DateTimeZone? zone)
    {
        var properties = new PropertyList();
        properties.Text("UID", document.UidOf(session));
        properties.Add(new CalendarProperty("DTSTAMP", CalendarValueType.DateTime, DateTimeValue.Utc(session.LastModified)));
        // Both ends in the same form: when either is a repeated wall-clock time, both go UTC.
        var timeZone = zone is not null && IsUnambiguous(session.Start, zone) && IsUnambiguous(session.End, zone) ? zone : null;
        properties.Add(Time("DTSTART", session.Start, timeZone));

        // A zero-length session has no DTEND: RFC 5545 §3.6.1 then ends it at DTSTART, while
        // DTEND equal to DTSTART is rejected by strict readers (§3.8.2.2: DTEND after DTSTART).
        if (session.End.ToUnixTimeSeconds() > session.Start.ToUnixTimeSeconds())
        {
            properties.Add(Time("DTEND", session.End, timeZone));
        }

        properties.Add(new CalendarProperty("SEQUENCE", CalendarValueType.Integer, new IntegerValue(session.Revision)));
        properties.Add(new CalendarProperty("LAST-MODIFIED", CalendarValueType.DateTime, DateTimeValue.Utc(session.LastModified)));
        properties.Text("SUMMARY", session.Title);
        properties.Text("DESCRIPTION", EventDescription.Of(session));
        properties.Text("LOCATION", Location(document.EventOf(session), session));
        if ((session.Room?.Geo ?? document.EventOf(session).Venue?.Geo) is { IsValid: true } geo)
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

    /// <summary>The zone an event's times are written in, or null for UTC ("Z") times.</summary>
    private static DateTimeZone? ZoneFor(FeedDocument document, Event schedule)
    {
        var zone = document.Options.TimeMode == TimeMode.EventZone
            ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone)
            : null;

        // "UTC", "Etc/UTC" and friends: write Z times, never TZID=UTC (FIELD.md, ical.net#58).
        return zone is not null && zone.MinOffset == Offset.Zero && zone.MaxOffset == Offset.Zero ? null : zone;
    }

    /// <summary>
    /// Every zone a TZID will name, with the span of its sessions, in order of zone id
    /// (deterministic). RFC 5545 §3.6.5: each TZID needs exactly one VTIMEZONE.
    /// </summary>
    private static List<(DateTimeZone Zone, Instant Start, Instant End)> ZonesUsed(FeedDocument document)
    {
        var spans = new SortedDictionary<string, (DateTimeZone Zone, Instant Start, Instant End)>(StringComparer.Ordinal);
        foreach (var session in document.Sessions)
        {
            if (ZoneFor(document, document.EventOf(session)) is not { } zone)
            {
                continue;
            }

            spans[zone.Id] = spans.TryGetValue(zone.Id, out var span)
                ? (zone, Instant.Min(span.Start, session.Start), Instant.Max(span.End, session.End))
                : (zone, session.Start, session.End);
        }

        return [.. spans.Values];
    }

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
