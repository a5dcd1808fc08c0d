using FeedProxy.Formats.ICalendar;
using NodaTime;

namespace FeedProxy.Formats.Tests.TimeZones;

/// <summary>
/// An independent reading of a VTIMEZONE (RFC 5545 §3.6.5): expands every observance's
/// DTSTART, RDATE and yearly RRULE into onsets and answers the offset at an instant the way a
/// client does (the latest onset at or before it wins). Knows only what the builder writes.
/// </summary>
internal sealed class VTimeZoneEvaluator
{
    private readonly List<(Instant Onset, Offset To)> _onsets = [];

    public VTimeZoneEvaluator(CalendarComponent vtimezone, int lastYear)
    {
        Assert.Equal("VTIMEZONE", vtimezone.Name);
        foreach (var observance in vtimezone.Components)
        {
            Assert.True(observance.Name is "STANDARD" or "DAYLIGHT", observance.Name);
            var start = Value<DateTimeValue>(observance, "DTSTART");
            Assert.False(start.IsUtc);
            var from = Value<UtcOffsetValue>(observance, "TZOFFSETFROM").Offset;
            var to = Value<UtcOffsetValue>(observance, "TZOFFSETTO").Offset;
            Assert.Single(observance.Properties, p => p.Name == "TZNAME");
            _onsets.Add((start.Local.WithOffset(from).ToInstant(), to));

            foreach (var rdate in observance.Properties.Where(p => p.Name == "RDATE").SelectMany(p => p.Values))
            {
                _onsets.Add((((DateTimeValue)rdate).Local.WithOffset(from).ToInstant(), to));
            }

            if (observance.Properties.SingleOrDefault(p => p.Name == "RRULE")?.Values.Single() is RecurValue rule)
            {
                Assert.Equal("YEARLY", rule.Frequency);
                Assert.Equal(rule.ByMonth, start.Local.Month);
                Assert.Equal(start.Local.Date, Resolve(start.Local.Year, rule.ByMonth, rule.ByDay)); // DTSTART is the first instance
                for (var year = start.Local.Year + 1; year <= lastYear; year++)
                {
                    var onset = Resolve(year, rule.ByMonth, rule.ByDay).At(start.Local.TimeOfDay).WithOffset(from).ToInstant();
                    if (rule.Until is { } until && onset > until)
                    {
                        break;
                    }

                    _onsets.Add((onset, to));
                }
            }
        }

        _onsets.Sort((a, b) => a.Onset.CompareTo(b.Onset));
    }

    public Offset OffsetAt(Instant instant)
    {
        Offset? result = null;
        foreach (var (onset, to) in _onsets)
        {
            if (onset > instant)
            {
                break;
            }

            result = to;
        }

        Assert.True(result.HasValue, $"no observance in effect at {instant}");
        return result.Value;
    }

    private static T Value<T>(CalendarComponent component, string name)
        where T : CalendarValue =>
        Assert.IsType<T>(Assert.Single(component.Properties, p => p.Name == name).Values.Single());

    /// <summary>Independent BYDAY resolution by scanning the month.</summary>
    private static LocalDate Resolve(int year, int month, string byDay)
    {
        var weekday = byDay[^2..] switch
        {
            "MO" => IsoDayOfWeek.Monday,
            "TU" => IsoDayOfWeek.Tuesday,
            "WE" => IsoDayOfWeek.Wednesday,
            "TH" => IsoDayOfWeek.Thursday,
            "FR" => IsoDayOfWeek.Friday,
            "SA" => IsoDayOfWeek.Saturday,
            _ => IsoDayOfWeek.Sunday,
        };
        var nth = int.Parse(byDay[..^2], System.Globalization.CultureInfo.InvariantCulture);
        var matches = Enumerable.Range(1, CalendarSystem.Iso.GetDaysInMonth(year, month))
            .Select(d => new LocalDate(year, month, d))
            .Where(d => d.DayOfWeek == weekday)
            .ToList();
        return nth < 0 ? matches[^1] : matches[nth - 1];
    }
}
