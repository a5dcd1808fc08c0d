using FeedProxy.Formats.ICalendar;
using NodaTime;
using NodaTime.TimeZones;

namespace FeedProxy.Formats.TimeZones;

/// <summary>
/// Builds the VTIMEZONE (RFC 5545 §3.6.5) of a TZDB zone for the instants a document uses.
/// Outlook needs a full VTIMEZONE for every TZID (FIELD.md), and clients prefer rule form
/// (RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU) as Google emits it.
/// <para>
/// The zone's transitions are read from a window one year wider than the span on each side,
/// so the first observance starts before the first session and a yearly rule is seen in
/// more than one year. Transitions of the same kind (offsets, name, month, time of day) in
/// consecutive years that share a weekday rule become one RRULE observance, bounded by UNTIL
/// when the rule stops inside the window; any other transitions become RDATE observances.
/// Deterministic: the output depends only on the zone data and the span.
/// </para>
/// </summary>
internal static class VTimeZoneBuilder
{
    private static readonly Duration Padding = Duration.FromDays(366);

    public static CalendarComponent Build(DateTimeZone zone, Instant spanStart, Instant spanEnd)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var windowStart = spanStart - Padding;
        var windowEnd = (spanEnd < spanStart ? spanStart : spanEnd) + Padding;
        var intervals = zone.GetZoneIntervals(windowStart, windowEnd).ToList();

        var observances = new List<(Instant First, CalendarComponent Component)>();
        var transitions = new List<ZoneTransition>(intervals.Count);
        foreach (var interval in intervals)
        {
            if (!interval.HasStart)
            {
                observances.Add((Instant.MinValue, Fixed(interval, windowStart)));
                continue;
            }

            var previous = zone.GetZoneInterval(interval.Start - Duration.Epsilon);
            transitions.Add(ZoneTransition.Into(interval, previous));
        }

        foreach (var group in transitions.GroupBy(t => t.Kind))
        {
            observances.AddRange(Observances([.. group.OrderBy(t => t.Instant)], windowEnd));
        }

        var components = observances
            .OrderBy(o => o.First)
            .ThenBy(o => o.Component.Name, StringComparer.Ordinal)
            .Select(o => o.Component)
            .ToList();
        return new CalendarComponent(
            "VTIMEZONE",
            [new CalendarProperty("TZID", CalendarValueType.Text, new TextValue(zone.Id))],
            components);
    }

    /// <summary>A zone that never changed: one observance with equal offsets, starting well before the window.</summary>
    private static CalendarComponent Fixed(ZoneInterval interval, Instant windowStart)
    {
        var year = Math.Min(1970, windowStart.InUtc().Year);
        var transition = new ZoneTransition(
            new LocalDateTime(year, 1, 1, 0, 0).WithOffset(interval.WallOffset).ToInstant(),
            interval.WallOffset,
            interval.WallOffset,
            interval.Name,
            interval.Savings > Offset.Zero);
        return Observance(transition, []);
    }

    /// <summary>Splits one kind's transitions into maximal runs of consecutive years that share a weekday rule.</summary>
    private static IEnumerable<(Instant, CalendarComponent)> Observances(List<ZoneTransition> transitions, Instant windowEnd)
    {
        var singles = new List<ZoneTransition>();
        var index = 0;
        while (index < transitions.Count)
        {
            var rules = YearlyRule.Candidates(transitions[index].LocalOnset.Date).ToList();
            var end = index + 1;
            while (end < transitions.Count
                && transitions[end].LocalOnset.Year == transitions[end - 1].LocalOnset.Year + 1)
            {
                var common = rules.Intersect(YearlyRule.Candidates(transitions[end].LocalOnset.Date)).ToList();
                if (common.Count == 0)
                {
                    break;
                }

                rules = common;
                end++;
            }

            if (end - index >= 2 && rules.Count > 0 && IsOpenEnded(transitions[end - 1], rules[0], windowEnd))
            {
                yield return (transitions[index].Instant, RuleObservance(transitions[index], rules[0]));
            }
            else if (end - index >= 2)
            {
                // A rule that stops inside the window (Sao Paulo 2019, Apia 2021) would need
                // UNTIL, which RFC 5545 wants in UTC here and which python-icalendar and
                // vobject/dateutil then reject or silently drop. Its few onsets are listed instead.
                singles.AddRange(transitions.Skip(index).Take(end - index));
            }
            else
            {
                singles.Add(transitions[index]);
                end = index + 1;
            }

            index = end;
        }

        if (singles.Count > 0)
        {
            yield return (singles[0].Instant, Observance(singles[0], singles.Skip(1).ToList()));
        }
    }

    /// <summary>True when the rule's next occurrence after <paramref name="last"/> lies beyond the window.</summary>
    private static bool IsOpenEnded(ZoneTransition last, string byDay, Instant windowEnd)
    {
        var onset = last.LocalOnset;
        var next = YearlyRule.Resolve(onset.Year + 1, onset.Month, byDay).At(onset.TimeOfDay);
        return next.WithOffset(last.From).ToInstant() > windowEnd;
    }

    private static CalendarComponent RuleObservance(ZoneTransition first, string byDay)
    {
        var rule = new RecurValue("YEARLY", null, first.LocalOnset.Month, byDay);
        var properties = Common(first);
        properties.Add(new CalendarProperty("RRULE", CalendarValueType.Recur, rule));
        return new CalendarComponent(first.IsDaylight ? "DAYLIGHT" : "STANDARD", properties, []);
    }

    private static CalendarComponent Observance(ZoneTransition first, List<ZoneTransition> others)
    {
        var properties = Common(first);
        if (others.Count > 0)
        {
            // §3.6.5: RDATE in an observance is local time in TZOFFSETFROM, like DTSTART.
            // One RDATE property per onset: ical.js reads only the first value of a list.
            // DTSTART is always the first onset (§3.8.5.2), but ical.js ignores it when an
            // observance has RDATEs, so it is listed again; a repeated instance is harmless.
            foreach (var transition in others.Prepend(first))
            {
                properties.Add(new CalendarProperty("RDATE", CalendarValueType.DateTime, new DateTimeValue(transition.LocalOnset, IsUtc: false)));
            }
        }

        return new CalendarComponent(first.IsDaylight ? "DAYLIGHT" : "STANDARD", properties, []);
    }

    private static List<CalendarProperty> Common(ZoneTransition first) =>
    [
        new("DTSTART", CalendarValueType.DateTime, new DateTimeValue(first.LocalOnset, IsUtc: false)),
        new("TZOFFSETFROM", CalendarValueType.UtcOffset, new UtcOffsetValue(first.From)),
        new("TZOFFSETTO", CalendarValueType.UtcOffset, new UtcOffsetValue(first.To)),
        new("TZNAME", CalendarValueType.Text, new TextValue(first.Name)),
    ];
}
