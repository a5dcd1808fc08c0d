using Ical.Net;
using Ical.Net.CalendarComponents;
using NodaTime;
using NodaTime.TimeZones;

namespace FeedProxy.Formats.Upstream;

/// <summary>
/// Turns a TZID (RFC 5545 §3.2.19) into instants. Tried in order: UTC spellings; an IANA id,
/// also as the tail of a path-like id ("/mozilla.org/20050126_1/Europe/Berlin"); a Windows zone
/// name ("Eastern Standard Time", CLDR mapping in NodaTime's TZDB); and finally the calendar's own
/// VTIMEZONE with that TZID, whose STANDARD/DAYLIGHT observances are evaluated directly (Outlook's
/// "(UTC-03:00) Brasília", Lotus's "Western/Central Europe"). A TZID is never dropped: when none of
/// these knows it, reading fails rather than shifting times.
/// </summary>
internal sealed class CalendarZones
{
    private readonly Dictionary<string, VTimeZone> _definitions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ResolvedZone?> _cache = new(StringComparer.OrdinalIgnoreCase);

    public CalendarZones(Calendar calendar)
    {
        foreach (var zone in calendar.TimeZones)
        {
            if (!string.IsNullOrWhiteSpace(zone.TzId))
            {
                _definitions.TryAdd(Clean(zone.TzId), zone);
            }
        }
    }

    /// <summary>The zone for <paramref name="tzid"/>, or null when neither TZDB, the Windows names nor the file defines it.</summary>
    public ResolvedZone? Resolve(string tzid)
    {
        var id = Clean(tzid);
        if (_cache.TryGetValue(id, out var known))
        {
            return known;
        }

        var resolved = Iana(id) is { } zone
            ? new ResolvedZone(zone, zone.Id)
            : _definitions.TryGetValue(id, out var definition) && ObservanceZone.From(definition) is { } custom
                ? new ResolvedZone(custom, custom.MatchingIanaId())
                : null;
        _cache[id] = resolved;
        return resolved;
    }

    /// <summary>A TZDB zone for an id, its path tail, or a Windows name; null otherwise.</summary>
    public static DateTimeZone? Iana(string? tzid)
    {
        var id = Clean(tzid ?? string.Empty);
        if (id.Length == 0 || id.Length > 128)
        {
            return null;
        }

        if (id is "UTC" or "Z" or "GMT" or "Etc/UTC" or "Etc/GMT" or "Universal" or "Zulu")
        {
            return DateTimeZone.Utc;
        }

        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } direct)
        {
            return direct;
        }

        // Path-like ids: try the last two and the last segment.
        var parts = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var take = Math.Min(3, parts.Length); take >= 1 && parts.Length > 1; take--)
        {
            if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(string.Join('/', parts[^take..])) is { } tail)
            {
                return tail;
            }
        }

        var windows = TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping;
        return windows.TryGetValue(id, out var mapped) ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(mapped) : null;
    }

    private static string Clean(string tzid) => tzid.Trim().Trim('"').Trim();
}

/// <summary>A resolved TZID: how to read local times in it, and the IANA id that stands for it (null when none matches).</summary>
internal sealed record ResolvedZone(DateTimeZone Zone, string? IanaId);

/// <summary>
/// A zone defined only by a VTIMEZONE (RFC 5545 §3.6.5): onsets from each observance's DTSTART,
/// RDATEs and a yearly RRULE (BYMONTH with BYDAY such as 2SU or -1SU, the shape every producer
/// uses), evaluated to fixed transitions between 1900 and 2200.
/// </summary>
internal sealed class ObservanceZone : DateTimeZone
{
    // Where several TZDB zones share the rules, the one a reader expects (Europe/Paris, not Africa/Ceuta).
    private static readonly string[] PreferredAreas = ["Europe/", "America/", "Asia/", "Australia/", "Pacific/"];

    private readonly (Instant At, Offset Offset)[] _transitions;

    private ObservanceZone(string id, (Instant At, Offset Offset)[] transitions, Offset min, Offset max)
        : base(id, transitions.Length <= 1, min, max)
    {
        _transitions = transitions;
    }

    public static ObservanceZone? From(VTimeZone definition)
    {
        var onsets = new List<(Instant At, Offset Offset)>();
        foreach (var observance in definition.TimeZoneInfos)
        {
            if (observance.OffsetTo is null || observance.OffsetFrom is null || observance.DtStart is null)
            {
                continue;
            }

            var to = Offset.FromTicks(observance.OffsetTo.Offset.Ticks);
            var from = Offset.FromTicks(observance.OffsetFrom.Offset.Ticks);
            var start = LocalDateTime.FromDateTime(observance.DtStart.Value);
            onsets.Add((start.WithOffset(from).ToInstant(), to));
            foreach (var period in observance.RecurrenceDates.GetAllPeriods())
            {
                onsets.Add((LocalDateTime.FromDateTime(period.StartTime.Value).WithOffset(from).ToInstant(), to));
            }

#pragma warning disable CS0618 // RecurrenceRules: one rule per observance in every producer we read; the obsolete list is how Ical.Net exposes it here.
            foreach (var rule in observance.RecurrenceRules)
#pragma warning restore CS0618
            {
                onsets.AddRange(Yearly(rule, start, from).Select(at => (at, to)));
            }
        }

        if (onsets.Count == 0)
        {
            return null;
        }

        var ordered = onsets.OrderBy(o => o.At).ToArray();
        var min = ordered.Min(o => o.Offset);
        var max = ordered.Max(o => o.Offset);
        return new ObservanceZone(definition.TzId ?? "custom", ordered, min, max);
    }

    private static IEnumerable<Instant> Yearly(Ical.Net.DataTypes.RecurrencePattern rule, LocalDateTime start, Offset from)
    {
        if (rule.Frequency != FrequencyType.Yearly || rule.ByMonth.Count != 1 || rule.ByDay.Count != 1)
        {
            yield break;
        }

        var month = rule.ByMonth[0];
        var day = rule.ByDay[0];
        var week = day.Offset ?? 1;
        var until = rule.Until is { } u ? LocalDateTime.FromDateTime(u.Value) : (LocalDateTime?)null;
        var first = Math.Max(start.Year, 1900);
        for (var year = first; year <= 2200; year++)
        {
            if (month is < 1 or > 12)
            {
                yield break;
            }

            var date = NthWeekday(year, month, (IsoDayOfWeek)((int)day.DayOfWeek == 0 ? 7 : (int)day.DayOfWeek), week);
            if (date is null)
            {
                continue;
            }

            var local = date.Value.At(start.TimeOfDay);
            if (local < start)
            {
                continue;
            }

            if (until is { } limit && local > limit)
            {
                yield break;
            }

            yield return local.WithOffset(from).ToInstant();
        }
    }

    private static LocalDate? NthWeekday(int year, int month, IsoDayOfWeek weekday, int n)
    {
        if (n > 0)
        {
            var d = new LocalDate(year, month, 1);
            while (d.DayOfWeek != weekday)
            {
                d = d.PlusDays(1);
            }

            d = d.PlusWeeks(n - 1);
            return d.Month == month ? d : null;
        }

        var last = new LocalDate(year, month, 1).PlusMonths(1).PlusDays(-1);
        while (last.DayOfWeek != weekday)
        {
            last = last.PlusDays(-1);
        }

        last = last.PlusWeeks(n + 1);
        return last.Month == month ? last : null;
    }

    public override ZoneInterval GetZoneInterval(Instant instant)
    {
        var index = Array.FindLastIndex(_transitions, t => t.At <= instant);
        if (index < 0)
        {
            // Before the first onset: the first observance's offset (RFC 5545 gives no earlier rule).
            var first = _transitions[0];
            return new ZoneInterval(Id, null, first.At, first.Offset, Offset.Zero);
        }

        var current = _transitions[index];
        Instant? end = index + 1 < _transitions.Length ? _transitions[index + 1].At : null;
        return new ZoneInterval(Id, current.At, end, current.Offset, Offset.Zero);
    }

    /// <summary>
    /// An IANA zone with the same offsets at every transition in the years around now, for the
    /// event's display zone and the recurrence zone; null when no TZDB zone matches.
    /// </summary>
    public string? MatchingIanaId()
    {
        var samples = new List<Instant>();
        foreach (var (at, _) in _transitions.Where(t => t.At.InUtc().Year is >= 2015 and <= 2035))
        {
            samples.Add(at + Duration.FromDays(2));
            samples.Add(at - Duration.FromDays(2));
        }

        for (var year = 2020; year <= 2030; year++)
        {
            samples.Add(Instant.FromUtc(year, 1, 15, 12, 0));
            samples.Add(Instant.FromUtc(year, 7, 15, 12, 0));
        }

        foreach (var id in DateTimeZoneProviders.Tzdb.Ids.Where(i => i.Contains('/', StringComparison.Ordinal) && !i.StartsWith("Etc/", StringComparison.Ordinal)).OrderBy(Rank).ThenBy(i => i, StringComparer.Ordinal))
        {
            var zone = DateTimeZoneProviders.Tzdb[id];
            if (samples.TrueForAll(s => zone.GetUtcOffset(s) == GetUtcOffset(s)))
            {
                return TzdbDateTimeZoneSource.Default.CanonicalIdMap.TryGetValue(id, out var canonical) ? canonical : id;
            }
        }

        static int Rank(string id) => Array.FindIndex(PreferredAreas, a => id.StartsWith(a, StringComparison.Ordinal)) is var i and >= 0 ? i : PreferredAreas.Length;

        // No DST in the years that matter: a fixed-offset zone stands for it exactly.
        var offsets = samples.Select(GetUtcOffset).Distinct().ToList();
        return offsets.Count == 1 ? Import.ScheduleTime.FixedZoneId(offsets[0]) : null;
    }
}
