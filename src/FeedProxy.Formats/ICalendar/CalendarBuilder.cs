using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Recurring;
using FeedProxy.Formats.Text;
using FeedProxy.Formats.TimeZones;
using NodaTime;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// Maps a <see cref="FeedDocument"/> to the one VCALENDAR that iCalendar, xCal and jCal all
/// serialise, emitted into an <see cref="ICalendarSink"/>: a tree for xCal and jCal
/// (<see cref="Build"/>), text as it goes for iCalendar. Reads no clock: DTSTAMP is the
/// session's own last change, so equal documents give equal output (FIELD.md: DTSTAMP must
/// not be "now"). Empty values are left out (libical flags empty properties). One instance
/// per render (it holds the render's scratch text and caches); not thread-safe.
/// </summary>
internal sealed class CalendarBuilder : IDisposable
{
    public const string ProductId = "-//FeedProxy//FeedProxy//EN";

    private static readonly CalendarParameter[] BadgeDisplay = [new("DISPLAY", "BADGE")];
    private static readonly CalendarParameter[] LiveStream = [new("FEATURE", "VIDEO"), new("LABEL", "Live stream")];

    private readonly FeedDocument _document;
    private readonly ICalendarSink _sink;

    /// <summary>Composed values (description, UID, location), reused for every session.</summary>
    private readonly TextBuffer _text = new();

    /// <summary>COLOR per track colour: the nearest-name search is the same for every session of a track.</summary>
    private readonly Dictionary<string, string?> _colors = new(StringComparer.Ordinal);

    private CalendarBuilder(FeedDocument document, ICalendarSink sink)
    {
        _document = document;
        _sink = sink;
    }

    /// <summary>The VCALENDAR tree of a document (xCal, jCal, and the iCalendar reference).</summary>
    public static CalendarComponent Build(FeedDocument document)
    {
        var tree = new CalendarTreeSink();
        Emit(document, tree);
        return tree.Result!;
    }

    /// <summary>Emits the VCALENDAR of a document into <paramref name="sink"/>.</summary>
    public static void Emit(FeedDocument document, ICalendarSink sink)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(sink);
        using var builder = new CalendarBuilder(document, sink);
        builder.Calendar();
    }

    public void Dispose() => _text.Dispose();

    private void Calendar()
    {
        var document = _document;
        var schedule = document.Event;
        var zone = ZoneFor(document, schedule);

        _sink.BeginComponent("VCALENDAR");
        _sink.Text("PRODID", ProductId);
        _sink.Text("VERSION", "2.0");
        _sink.Text("CALSCALE", "GREGORIAN");
        // Outlook expects PUBLISH for feeds; iTIP PUBLISH carries no ATTENDEE (RFC 5546 §3.2.1).
        _sink.Text("METHOD", "PUBLISH");
        if (document.IsSubscription)
        {
            // RFC 7986 NAME/DESCRIPTION plus the X-WR-* names Apple, Google and Outlook read;
            // never in single-session downloads (Outlook opens a new, empty calendar for them).
            var name = Clean(document.Subtitle) is { } subtitle ? $"{schedule.Name} ({subtitle})" : schedule.Name;
            Text("NAME", name);
            Text("X-WR-CALNAME", name);
            Text("DESCRIPTION", schedule.Description);
            Text("X-WR-CALDESC", schedule.Description);
            _sink.Property(new CalendarProperty("REFRESH-INTERVAL", CalendarValueType.Duration, new DurationValue(document.RefreshInterval)));
            _sink.Property(new CalendarProperty("X-PUBLISHED-TTL", CalendarValueType.Duration, new DurationValue(document.RefreshInterval)));
        }

        // Must name the zone the times actually use (FIELD.md); a collection whose sessions
        // come from events in different zones names none.
        if (zone is not null && (document.Origins is null || document.Sessions.All(s => ZoneFor(document, document.EventOf(s))?.Id == zone.Id)))
        {
            Text("X-WR-TIMEZONE", zone.Id);
        }

        Uri("URL", schedule.Url);
        Uri("SOURCE", document.SelfUrl.AbsoluteUri);
        _sink.DateTime("LAST-MODIFIED", DateTimeValue.UtcLocal(document.LastModified), isUtc: true, zoneId: null);
        Image(schedule.ImageUrl);

        foreach (var timeZone in TimeZones(document, zone))
        {
            _sink.Component(timeZone);
        }

        foreach (var session in document.Sessions)
        {
            // In a collection each session keeps its own event's zone, venue and UID.
            var origin = document.EventOf(session);
            if (session.Recurrence is null)
            {
                EmitEvent(origin, session, document.Origins is null ? zone : ZoneFor(document, origin));
                continue;
            }

            // A series is written in its own zone whatever the feed's time mode: a rule in UTC
            // would move the meeting by an hour at every DST change (RFC 5545 §3.3.10 expands
            // BYxxx on DTSTART's wall clock).
            var seriesZone = Zoned(RecurrenceExpander.ZoneOf(session, EventZone(origin)));
            EmitEvent(origin, session, seriesZone, series: session.Recurrence);
            // RFC 5545 §3.8.4.4: each changed instance is a VEVENT with the series' UID and the
            // RECURRENCE-ID of the start it replaces, in the same zone as DTSTART.
            foreach (var o in session.Recurrence.Overrides.OrderBy(o => o.RecurrenceId))
            {
                EmitEvent(origin, RecurrenceExpander.Instance(session, o), seriesZone, recurrenceId: o.RecurrenceId);
            }
        }

        _sink.EndComponent("VCALENDAR");
    }

    private void EmitEvent(Event origin, Session session, DateTimeZone? zone, Recurrence? series = null, Instant? recurrenceId = null)
    {
        _sink.BeginComponent("VEVENT");
        _text.Clear();
        _document.AppendUid(session, origin, _text);
        ComposedText("UID");
        var lastModified = DateTimeValue.UtcLocal(session.LastModified);
        _sink.DateTime("DTSTAMP", lastModified, isUtc: true, zoneId: null);
        // Both ends in the same form: when either is a repeated wall-clock time, both go UTC.
        // A series keeps its zone: its rule is expanded on that wall clock.
        var timeZone = zone is not null && (series is not null || (IsUnambiguous(session.Start, zone) && IsUnambiguous(session.End, zone))) ? zone : null;
        if (recurrenceId is { } id)
        {
            Time("RECURRENCE-ID", id, zone);
        }

        Time("DTSTART", session.Start, timeZone);

        // A zero-length session has no DTEND: RFC 5545 §3.6.1 then ends it at DTSTART, while
        // DTEND equal to DTSTART is rejected by strict readers (§3.8.2.2: DTEND after DTSTART).
        if (session.End.ToUnixTimeSeconds() > session.Start.ToUnixTimeSeconds())
        {
            Time("DTEND", session.End, timeZone);
        }

        if (series is not null)
        {
            EmitRecurrence(series, timeZone);
        }

        _sink.Integer("SEQUENCE", session.Revision);
        _sink.DateTime("LAST-MODIFIED", lastModified, isUtc: true, zoneId: null);
        Text("SUMMARY", session.Title);
        _text.Clear();
        EventDescription.Write(session, _text);
        ComposedText("DESCRIPTION");
        _text.Clear();
        Location(origin, session, _text);
        ComposedText("LOCATION");
        if ((session.Room?.Geo ?? origin.Venue?.Geo) is { IsValid: true } geo)
        {
            _sink.Geo(Math.Round(geo.Latitude, 6), Math.Round(geo.Longitude, 6));
        }

        Uri("URL", session.Url);
        var track = Clean(session.Track?.Name);
        var type = Clean(session.Type);
        if (track is not null && type is not null && !string.Equals(track, type, StringComparison.Ordinal))
        {
            _sink.Texts("CATEGORIES", [track, type]);
        }
        else if ((track ?? type) is { } category)
        {
            _sink.Texts("CATEGORIES", [category]);
        }

        Text("COLOR", ColorName(session.Color ?? session.Track?.Color));
        Image(session.ImageUrl);
        if (Clean(session.StreamUrl) is { } stream)
        {
            _sink.Uri("CONFERENCE", stream, LiveStream);
        }

        Uri("ATTACH", session.SlidesUrl);
        // STATUS:CANCELLED (with the bumped SEQUENCE) removes the event in subscribers;
        // dropping it silently would leave stale copies (FIELD.md).
        _sink.Text("STATUS", session.State == SessionState.Cancelled ? "CANCELLED" : "CONFIRMED");
        _sink.Text("CLASS", "PUBLIC");
        _sink.Text("TRANSP", "OPAQUE");
        // RFC 5545 §3.6.1: alarms are sub-components, after the VEVENT's properties.
        Reminders.AlarmEmitter.Emit(_sink, session, _document.Options.Alarms);
        _sink.EndComponent("VEVENT");
    }

    /// <summary>
    /// RRULE, RDATE and EXDATE (RFC 5545 §3.8.5), dates in DTSTART's form (§3.8.5.1: EXDATE
    /// and RDATE share DTSTART's value type and zone). Rules are written in canonical form.
    /// </summary>
    private void EmitRecurrence(Recurrence series, DateTimeZone? zone)
    {
        foreach (var text in series.Rules)
        {
            if (RecurrenceRule.TryParse(text, out var rule, out _))
            {
                _sink.Property(new CalendarProperty("RRULE", CalendarValueType.Recur, new RuleValue(rule!)));
            }
        }

        if (series.Dates.Count > 0)
        {
            _sink.Property(Times("RDATE", [.. series.Dates.Order()], zone));
        }

        if (series.ExceptionDates.Count > 0)
        {
            _sink.Property(Times("EXDATE", [.. series.ExceptionDates.Order()], zone));
        }
    }

    private static CalendarProperty Times(string name, IReadOnlyList<Instant> instants, DateTimeZone? zone)
    {
        var values = instants.Select(i => (CalendarValue)(zone is null
            ? DateTimeValue.Utc(i)
            : new DateTimeValue(Instant.FromUnixTimeSeconds(i.ToUnixTimeSeconds()).InZone(zone).LocalDateTime, IsUtc: false))).ToList();
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
    private void Time(string name, Instant instant, DateTimeZone? zone)
    {
        if (zone is null)
        {
            _sink.DateTime(name, DateTimeValue.UtcLocal(instant), isUtc: true, zoneId: null);
            return;
        }

        var whole = Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());
        _sink.DateTime(name, whole.InZone(zone).LocalDateTime, isUtc: false, zone.Id);
    }

    /// <summary>
    /// False for a wall-clock time that occurs twice (the hour repeated when clocks go back):
    /// RFC 5545 §3.3.5 means the first occurrence, but libical and ical.js take the second,
    /// so such times are written in UTC, which every client reads the same.
    /// </summary>
    private static bool IsUnambiguous(Instant instant, DateTimeZone zone)
    {
        var whole = Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());
        // A wall-clock time maps back to an instant at most the zone's widest offset change
        // away; when the instant's zone interval covers that much on both sides, no other
        // interval can give the same wall-clock time (and MapLocal, which allocates, is not needed).
        var interval = zone.GetZoneInterval(whole);
        var reach = Duration.FromSeconds((long)zone.MaxOffset.Seconds - zone.MinOffset.Seconds);
        if ((!interval.HasStart || whole - interval.Start >= reach)
            && (!interval.HasEnd || interval.End - whole > reach))
        {
            return true;
        }

        return zone.MapLocal(whole.InZone(zone).LocalDateTime).Count == 1;
    }

    /// <summary>Room and venue, comma separated; nothing when neither is known.</summary>
    private static void Location(Event schedule, Session session, TextBuffer text)
    {
        if (Clean(session.Room?.Name) is { } room)
        {
            text.Append(room);
        }

        if (Clean(schedule.Venue?.Name) is { } venue)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(venue);
        }
    }

    private string? ColorName(string? color)
    {
        if (color is null)
        {
            return null;
        }

        if (!_colors.TryGetValue(color, out var name))
        {
            name = CssColors.NearestName(color);
            _colors[color] = name;
        }

        return name;
    }

    /// <summary>
    /// Text is sanitised where it enters the model, and then this is a no-op that returns the
    /// same instance; it only keeps a stray control character from making XmlWriter throw, or
    /// a blank value from becoming an empty property.
    /// </summary>
    private static string? Clean(string? value) => TextSanitizer.Text(value);

    /// <summary>A TEXT property, left out when the cleaned value is empty.</summary>
    private void Text(string name, string? value)
    {
        if (Clean(value) is { } text)
        {
            _sink.Text(name, text);
        }
    }

    /// <summary>The composed text as a TEXT property, cleaned as <see cref="Text"/> cleans, without a string when it is clean.</summary>
    private void ComposedText(string name)
    {
        if (TextSanitizer.TryTrimClean(_text.Span, out var clean))
        {
            if (!clean.IsEmpty)
            {
                _sink.ComposedText(name, clean);
            }
        }
        else
        {
            Text(name, _text.ToString());
        }
    }

    private void Uri(string name, string? value)
    {
        if (Clean(value) is { } uri)
        {
            _sink.Uri(name, uri, []);
        }
    }

    /// <summary>RFC 7986 §5.10 IMAGE by reference; BADGE is the small icon use.</summary>
    private void Image(string? value)
    {
        if (Clean(value) is { } uri)
        {
            _sink.Uri("IMAGE", uri, BadgeDisplay);
        }
    }
}
