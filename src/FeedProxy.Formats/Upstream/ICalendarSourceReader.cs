using CultureInfo = System.Globalization.CultureInfo;
using System.Text;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization.DataTypes;
using NodaTime;
using Duration = NodaTime.Duration;

namespace FeedProxy.Formats.Upstream;

/// <summary>
/// Reads an upstream iCalendar document (Google <c>basic.ics</c>, Outlook published calendars,
/// Indico exports, any RFC 5545 feed) with Ical.Net into the model. One session per UID; VEVENTs
/// with RECURRENCE-ID become overrides of their series, RRULE/RDATE/EXDATE its recurrence
/// (UNTIL in UTC, RFC 5545 §3.3.10). CLASS:PRIVATE and CONFIDENTIAL events are never taken;
/// ATTENDEE and ORGANIZER are never read (they carry e-mail addresses). Everything that does not
/// describe the schedule (DTSTAMP, component order, VALARMs, X- properties) is ignored, so an
/// upstream that rewrites DTSTAMP or reorders components on every fetch reads to the same model.
/// </summary>
public static class ICalendarSourceReader
{
    static ICalendarSourceReader()
    {
        // Ical.Net resolves TZIDs itself while loading (ordering RDATE periods) and throws on
        // ids it does not know. We never use its conversions (CalendarZones computes every
        // instant, including from the file's own VTIMEZONE), so unknown ids map to UTC there.
        TimeZoneResolvers.TimeZoneResolver = id => CalendarZones.Iana(id) ?? DateTimeZone.Utc;
    }

    /// <exception cref="ImportException">Not iCalendar, truncated, over the limits, or a TZID nothing defines.</exception>
    public static Event Read(ReadOnlySpan<byte> body, UpstreamReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = IcsText.Normalise(Decode(body));
        Calendar calendar;
        try
        {
            calendar = Calendar.Load(text) ?? throw new ImportException("Not an iCalendar document.");
        }
        catch (Exception e) when (e is not ImportException and not OutOfMemoryException)
        {
            throw new ImportException("Not a readable iCalendar document: " + e.Message, e);
        }

        return ScheduleTime.InRange(() => Map(calendar, options));
    }

    private static string Decode(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith("\uFEFF"u8.ToArray()))
        {
            body = body[3..];
        }

        return Encoding.UTF8.GetString(body);
    }

    private static Event Map(Calendar calendar, UpstreamReadOptions options)
    {
        var zones = new CalendarZones(calendar);
        var stated = Prop(calendar, "X-WR-TIMEZONE");
        var fallback = Import.ScheduleTime.Zone(options.TimeZone) ?? CalendarZones.Iana(stated) ?? DateTimeZone.Utc;
        var builder = new ScheduleBuilder();
        var seenZones = new List<string>();

        // Sorted by UID then RECURRENCE-ID: upstream component order never matters.
        var events = calendar.Events
            .Where(e => e.DtStart is not null && IsPublic(e))
            .OrderBy(e => e.Uid ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(e => RecurrenceIdOf(e) is null ? 0 : 1)
            .ThenBy(e => RecurrenceIdOf(e)?.Value ?? DateTime.MinValue)
            .ToList();

        var masters = new Dictionary<string, (Session Session, List<RecurrenceOverride> Overrides)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var component in events)
        {
            var converted = Convert(component, zones, fallback, builder, seenZones, options);
            if (converted is null)
            {
                continue;
            }

            var uid = component.Uid ?? converted.Id;
            if (RecurrenceIdOf(component) is { } recurrenceId && masters.TryGetValue(uid, out var master))
            {
                if (master.Overrides.Count < UpstreamLimits.MaxRecurrenceValues)
                {
                    master.Overrides.Add(new RecurrenceOverride
                    {
                        RecurrenceId = ToInstant(recurrenceId, zones, fallback),
                        Instance = converted with { Id = master.Session.Id, Recurrence = null },
                    });
                }

                continue;
            }

            if (masters.ContainsKey(uid))
            {
                uid = uid + "\u001f" + converted.Id; // a second master with the same UID (or an orphan override): its own session
            }

            masters[uid] = (converted, []);
            order.Add(uid);
        }

        foreach (var uid in order)
        {
            var (session, overrides) = masters[uid];
            if (overrides.Count > 0)
            {
                session = session with { Recurrence = (session.Recurrence ?? new Recurrence()) with { Overrides = overrides } };
            }

            builder.Add(session);
        }

        var name = ImportText.Line(Prop(calendar, "X-WR-CALNAME") ?? Prop(calendar, "NAME"))
            ?? options.SourceUrl?.Host
            ?? options.EventId;
        var zoneId = Import.ScheduleTime.Zone(options.TimeZone)?.Id
            ?? CalendarZones.Iana(stated)?.Id
            ?? seenZones.GroupBy(z => z, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).FirstOrDefault()
            ?? "UTC";
        return builder.Build(new Event
        {
            Id = options.EventId,
            Name = name,
            Description = ImportText.Text(Prop(calendar, "X-WR-CALDESC") ?? Prop(calendar, "DESCRIPTION")),
            // Never the source URL itself: private calendar addresses carry a secret.
            Url = ImportText.Url(Prop(calendar, "URL")) is { } own && own != options.SourceUrl?.AbsoluteUri ? own : null,
            TimeZone = zoneId,
            LastModified = options.ReadAt,
        });
    }

    private static bool IsPublic(CalendarEvent e) =>
        e.Class is null || !(e.Class.Equals("PRIVATE", StringComparison.OrdinalIgnoreCase) || e.Class.Equals("CONFIDENTIAL", StringComparison.OrdinalIgnoreCase));

    private static Session? Convert(CalendarEvent e, CalendarZones zones, DateTimeZone fallback, ScheduleBuilder builder, List<string> seenZones, UpstreamReadOptions options)
    {
        var start = ToInstant(e.DtStart!, zones, fallback);
        Instant end;
        if (e.DtEnd is { } dtEnd)
        {
            end = ToInstant(dtEnd, zones, fallback);
        }
        else if (e.Duration is { } duration)
        {
            end = start + Duration.FromTimeSpan(duration.ToTimeSpanUnspecified());
        }
        else
        {
            end = e.DtStart!.HasTime ? start : start + Duration.FromDays(1); // RFC 5545 §3.6.1
        }

        if (end < start)
        {
            end = start;
        }

        if (e.DtStart!.TzId is { } tzid && !e.DtStart.IsUtc && zones.Resolve(tzid)?.IanaId is { } iana)
        {
            seenZones.Add(iana);
        }

        var title = ImportText.Line(e.Summary) ?? "(untitled)";
        var uid = TextOrNull(e.Uid);
        var url = ImportText.Url(e.Url?.OriginalString, options.SourceUrl);
        var id = builder.SessionId(uid ?? url ?? $"{title}|{start}", uid);
        var state = string.Equals(e.Status, "CANCELLED", StringComparison.OrdinalIgnoreCase) ? SessionState.Cancelled : SessionState.Confirmed;
        var category = e.Categories?.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
        var lastModified = e.LastModified is { } lm ? ToInstant(lm, zones, DateTimeZone.Utc) : options.ReadAt;
        return new Session
        {
            Id = id,
            Title = title,
            Abstract = ImportText.Text(e.Description),
            Start = start,
            End = end,
            State = state,
            Track = builder.Track(category),
            Room = builder.Room(e.Location),
            Url = url,
            ImageUrl = ImportText.Url(Prop(e, "IMAGE"), options.SourceUrl),
            LastModified = lastModified > options.ReadAt ? options.ReadAt : lastModified,
            Recurrence = RecurrenceIdOf(e) is null ? RecurrenceOf(e, zones, fallback) : null,
        };
    }

    private static Recurrence? RecurrenceOf(CalendarEvent e, CalendarZones zones, DateTimeZone fallback)
    {
        var rules = new List<string>();
        if (e.RecurrenceRule is { } rule)
        {
            rules.Add(RuleText(rule, e.DtStart!, zones, fallback));
        }

        var dates = e.RecurrenceDates.GetAllPeriods().Select(p => ToInstant(p.StartTime, zones, fallback))
            .Concat(e.RecurrenceDates.GetAllDates().Select(d => ToInstant(d, zones, fallback)))
            .Distinct().Order().Take(UpstreamLimits.MaxRecurrenceValues).ToList();
        var exceptions = e.ExceptionDates.GetAllDates().Select(d => ToInstant(d, zones, fallback))
            .Distinct().Order().Take(UpstreamLimits.MaxRecurrenceValues).ToList();
        if (rules.Count == 0 && dates.Count == 0)
        {
            return null;
        }

        var start = e.DtStart!;
        var zone = start.IsUtc || start.TzId is null ? null : zones.Resolve(start.TzId)?.IanaId;
        return new Recurrence { Rules = rules, Dates = dates, ExceptionDates = exceptions, TimeZone = zone };
    }

    /// <summary>The rule's RFC 5545 text with UNTIL rewritten in UTC (§3.3.10: UNTIL must be UTC when DTSTART has a zone).</summary>
    private static string RuleText(RecurrenceRule rule, CalDateTime start, CalendarZones zones, DateTimeZone fallback)
    {
        var text = new RecurrenceRuleSerializer().SerializeToString(rule) ?? string.Empty;
        if (rule.Until is not { } until)
        {
            return text;
        }

        var untilCal = until.IsUtc || !until.HasTime ? until : new CalDateTime(until.Value, start.TzId ?? until.TzId, hasTime: true);
        var instant = until.HasTime
            ? ToInstant(untilCal, zones, fallback)
            : ToInstant(new CalDateTime(until.Value.Date.AddDays(1).AddSeconds(-1), start.TzId, hasTime: true), zones, fallback);
        var utc = instant.ToDateTimeUtc().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var parts = text.Split(';').Select(p => p.StartsWith("UNTIL=", StringComparison.OrdinalIgnoreCase) ? "UNTIL=" + utc : p);
        return string.Join(';', parts);
    }

    /// <summary>
    /// An instant from an iCalendar date or date-time: UTC as is; TZID through <see cref="CalendarZones"/>
    /// (the file's VTIMEZONE when TZDB does not know it); floating and date-only values in the
    /// calendar's zone. A TZID nothing defines is an error, not a silent shift.
    /// </summary>
    private static Instant ToInstant(CalDateTime value, CalendarZones zones, DateTimeZone fallback)
    {
        var local = LocalDateTime.FromDateTime(value.HasTime ? value.Value : value.Value.Date);
        if (value.IsUtc)
        {
            return local.InUtc().ToInstant();
        }

        if (value.HasTime && value.TzId is { } tzid)
        {
            var zone = zones.Resolve(tzid)?.Zone
                ?? throw new ImportException($"The time zone '{Short(tzid)}' is neither an IANA or Windows zone nor defined by a VTIMEZONE in the calendar.");
            return local.InZoneLeniently(zone).ToInstant();
        }

        return local.InZoneLeniently(fallback).ToInstant();
    }

    private static string? Prop(ICalendarComponent component, string name) =>
        component.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.Value?.ToString();

    // RECURRENCE-ID's date-time; RANGE=THISANDFUTURE (Lotus) is read as the single instance it names.
#pragma warning disable CS0618
    private static CalDateTime? RecurrenceIdOf(CalendarEvent e) => e.RecurrenceId;
#pragma warning restore CS0618

    private static string? TextOrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Short(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
