using FeedProxy.Formats.Recurring;
using NodaTime;

namespace FeedProxy.Formats.TimeZones;

/// <summary>
/// Yearly weekday rules as RRULE BYDAY writes them ("2SU": second Sunday, "-1SU": last Sunday),
/// derived from observed transition dates rather than from the TZDB source rules, which
/// NodaTime does not expose.
/// </summary>
internal static class YearlyRule
{
    /// <summary>Every BYDAY value that describes <paramref name="date"/> within its month; last-of-month first.</summary>
    public static IReadOnlyList<string> Candidates(LocalDate date)
    {
        var day = date.DayOfWeek;
        var candidates = new List<string>(2);
        if (date.Day + 7 > date.Calendar.GetDaysInMonth(date.Year, date.Month))
        {
            candidates.Add(new WeekdayNumber(-1, day).ToString());
        }

        var nth = ((date.Day - 1) / 7) + 1;
        if (nth <= 4)
        {
            candidates.Add(new WeekdayNumber(nth, day).ToString());
        }

        return candidates;
    }

    /// <summary>The date a BYDAY value gives in <paramref name="year"/> and <paramref name="month"/>.</summary>
    public static LocalDate Resolve(int year, int month, string byDay)
    {
        var (nth, weekday) = WeekdayNumber.Parse(byDay) is { Ordinal: not 0 } parsed
            ? parsed
            : throw new ArgumentOutOfRangeException(nameof(byDay));
        if (nth < 0)
        {
            var last = new LocalDate(year, month, CalendarSystem.Iso.GetDaysInMonth(year, month));
            return last.DayOfWeek == weekday ? last : last.Previous(weekday);
        }

        var first = new LocalDate(year, month, 1);
        var firstMatch = first.DayOfWeek == weekday ? first : first.Next(weekday);
        return firstMatch.PlusWeeks(nth - 1);
    }
}
