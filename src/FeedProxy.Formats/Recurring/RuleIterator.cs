using NodaTime;
using NodaTime.TimeZones;

namespace FeedProxy.Formats.Recurring;

/// <summary>Counts the work of one expansion against its limit.</summary>
internal sealed class StepCounter(int limit)
{
    public int Used { get; private set; }

    public bool Exhausted { get; private set; }

    public bool Take()
    {
        if (Used >= limit)
        {
            Exhausted = true;
            return false;
        }

        Used++;
        return true;
    }
}

/// <summary>
/// The instants one RRULE generates (RFC 5545 §3.3.10), in the rule's zone: periods of FREQ
/// times INTERVAL from DTSTART; in each period BYxxx parts expand or limit candidate days and
/// times (the table on page 44 of RFC 5545), BYSETPOS picks from the period's sorted set;
/// candidates before DTSTART are ignored, then UNTIL and COUNT end the series. Wall-clock
/// times are resolved as RFC 5545 §3.3.5 says: a time in a DST gap moves forward by the gap,
/// a repeated time is the first of the two. Every period and every candidate costs one step;
/// the iterator stops when <see cref="StepCounter"/> runs out.
/// </summary>
internal sealed class RuleIterator
{
    private readonly RecurrenceRule _rule;
    private readonly LocalDateTime _start;
    private readonly DateTimeZone _zone;
    private readonly IReadOnlyList<int> _byMonth;
    private readonly IReadOnlyList<int> _byMonthDay;
    private readonly IReadOnlyList<WeekdayNumber> _byDay;
    private readonly LocalTime[] _dailyTimes;

    public RuleIterator(RecurrenceRule rule, LocalDateTime start, DateTimeZone zone)
    {
        _rule = rule;
        _start = start;
        _zone = zone;
        _byMonth = rule.ByMonth;
        _byMonthDay = rule.ByMonthDay;
        _byDay = rule.ByDay;
        // Defaults from DTSTART when a rule names no day at all (RFC 5545 §3.3.10: "information,
        // not contained in the rule, necessary to determine the various recurrence instance
        // start time and dates are derived from the Start Time").
        if (rule.ByWeekNo.Count == 0 && rule.ByYearDay.Count == 0 && rule.ByMonthDay.Count == 0 && rule.ByDay.Count == 0)
        {
            switch (rule.Frequency)
            {
                case Frequency.Yearly:
                    if (_byMonth.Count == 0)
                    {
                        _byMonth = [start.Month];
                    }

                    _byMonthDay = [start.Day];
                    break;
                case Frequency.Monthly:
                    _byMonthDay = [start.Day];
                    break;
                case Frequency.Weekly:
                    _byDay = [new WeekdayNumber(0, start.DayOfWeek)];
                    break;
            }
        }

        _dailyTimes = rule.Frequency <= Frequency.Daily
            ? Times(Or(rule.ByHour, start.Hour), Or(rule.ByMinute, start.Minute), SecondsOr(rule, start.Second))
            : [];
    }

    /// <summary>
    /// Starts in ascending order from DTSTART (or, for a rule without COUNT, from the period
    /// just before <paramref name="skipTo"/>: earlier periods cannot matter) until a start
    /// reaches <paramref name="stopAt"/>, the rule ends or the steps run out.
    /// </summary>
    public IEnumerable<Instant> Starts(Instant skipTo, Instant stopAt, StepCounter steps)
    {
        // Two days of margin on both sides cover any UTC offset.
        var stopLocal = stopAt.InZone(_zone).LocalDateTime.PlusDays(2);
        long period = _rule.Count is null ? Math.Max(0, PeriodsBefore(skipTo.InZone(_zone).LocalDateTime.PlusDays(-2)) - 1) : 0;
        var count = 0;
        var days = new List<LocalDate>(32);
        Instant? previous = null;
        while (steps.Take())
        {
            if (!TryPeriod(period++, days, out var periodStart, out var times))
            {
                yield break;
            }

            if (periodStart > stopLocal)
            {
                yield break;
            }

            var total = (long)days.Count * times.Length;
            if (total == 0)
            {
                continue;
            }

            foreach (var index in Indices(total))
            {
                if (!steps.Take())
                {
                    yield break;
                }

                var local = days[(int)(index / times.Length)].At(times[index % times.Length]);
                if (local < _start)
                {
                    continue;
                }

                var instant = local.InZone(_zone, Resolvers.LenientResolver).ToInstant();
                if (_rule.Until is { } until && instant > until)
                {
                    yield break;
                }

                // Two wall-clock times in one DST gap resolve to the same instant: one occurrence.
                if (instant == previous)
                {
                    continue;
                }

                previous = instant;
                yield return instant;
                if (++count == _rule.Count)
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>Positions in the period's sorted candidate set: all of them, or those BYSETPOS names.</summary>
    private IEnumerable<long> Indices(long total)
    {
        if (_rule.BySetPos.Count == 0)
        {
            for (long i = 0; i < total; i++)
            {
                yield return i;
            }

            yield break;
        }

        var picked = new SortedSet<long>();
        foreach (var position in _rule.BySetPos)
        {
            var index = position > 0 ? position - 1L : total + position;
            if (index >= 0 && index < total)
            {
                picked.Add(index);
            }
        }

        foreach (var index in picked)
        {
            yield return index;
        }
    }

    /// <summary>The period with this number: its first local time, candidate days and times.</summary>
    private bool TryPeriod(long number, List<LocalDate> days, out LocalDateTime periodStart, out LocalTime[] times)
    {
        days.Clear();
        times = _dailyTimes;
        periodStart = default;
        var step = number * _rule.Interval;
        switch (_rule.Frequency)
        {
            case Frequency.Yearly:
            {
                var year = _start.Year + step;
                if (year > 9998)
                {
                    return false;
                }

                var first = new LocalDate((int)year, 1, 1);
                periodStart = first.AtMidnight();
                var length = CalendarSystem.Iso.GetDaysInYear((int)year);
                for (var d = 0; d < length; d++)
                {
                    AddIfMatches(days, first.PlusDays(d));
                }

                return true;
            }
            case Frequency.Monthly:
            {
                var months = (_start.Year * 12L) + _start.Month - 1 + step;
                if (months / 12 > 9998)
                {
                    return false;
                }

                var first = new LocalDate((int)(months / 12), (int)(months % 12) + 1, 1);
                periodStart = first.AtMidnight();
                var length = CalendarSystem.Iso.GetDaysInMonth(first.Year, first.Month);
                for (var d = 0; d < length; d++)
                {
                    AddIfMatches(days, first.PlusDays(d));
                }

                return true;
            }
            case Frequency.Weekly:
            case Frequency.Daily:
            {
                var unit = _rule.Frequency == Frequency.Weekly ? 7L : 1L;
                var origin = _rule.Frequency == Frequency.Weekly ? WeekStartOf(_start.Date) : _start.Date;
                if (step * unit > 3_000_000)
                {
                    return false;
                }

                var first = origin.PlusDays((int)(step * unit));
                if (first.Year > 9998)
                {
                    return false;
                }

                periodStart = first.AtMidnight();
                for (var d = 0; d < unit; d++)
                {
                    AddIfMatches(days, first.PlusDays(d));
                }

                return true;
            }
            default:
            {
                var seconds = step * _rule.Frequency switch
                {
                    Frequency.Hourly => 3600L,
                    Frequency.Minutely => 60L,
                    _ => 1L,
                };
                if (seconds > 300_000_000_000L)
                {
                    return false;
                }

                periodStart = _start.PlusSeconds(seconds);
                if (periodStart.Year > 9998)
                {
                    return false;
                }

                AddIfMatches(days, periodStart.Date);
                times = SubDailyTimes(periodStart.TimeOfDay);
                return true;
            }
        }
    }

    /// <summary>HOURLY/MINUTELY/SECONDLY: the period's own fields limit, the finer BYxxx parts expand.</summary>
    private LocalTime[] SubDailyTimes(LocalTime time)
    {
        if (_rule.ByHour.Count > 0 && !_rule.ByHour.Contains(time.Hour))
        {
            return [];
        }

        if (_rule.Frequency == Frequency.Hourly)
        {
            return Times([time.Hour], Or(_rule.ByMinute, time.Minute), SecondsOr(_rule, time.Second));
        }

        if (_rule.ByMinute.Count > 0 && !_rule.ByMinute.Contains(time.Minute))
        {
            return [];
        }

        if (_rule.Frequency == Frequency.Minutely)
        {
            return Times([time.Hour], [time.Minute], SecondsOr(_rule, time.Second));
        }

        return _rule.BySecond.Count > 0 && !_rule.BySecond.Contains(time.Second) ? [] : [time];
    }

    private void AddIfMatches(List<LocalDate> days, LocalDate day)
    {
        if (DayMatches(day))
        {
            days.Add(day);
        }
    }

    private bool DayMatches(LocalDate day)
    {
        if (_byMonth.Count > 0 && !_byMonth.Contains(day.Month))
        {
            return false;
        }

        if (_rule.ByWeekNo.Count > 0 && !WeekNumberMatches(day))
        {
            return false;
        }

        if (_rule.ByYearDay.Count > 0)
        {
            var length = CalendarSystem.Iso.GetDaysInYear(day.Year);
            if (!_rule.ByYearDay.Contains(day.DayOfYear) && !_rule.ByYearDay.Contains(day.DayOfYear - length - 1))
            {
                return false;
            }
        }

        if (_byMonthDay.Count > 0)
        {
            var length = CalendarSystem.Iso.GetDaysInMonth(day.Year, day.Month);
            if (!_byMonthDay.Contains(day.Day) && !_byMonthDay.Contains(day.Day - length - 1))
            {
                return false;
            }
        }

        return _byDay.Count == 0 || WeekdayMatches(day);
    }

    /// <summary>
    /// BYDAY: a plain weekday, or the n-th one of the month (MONTHLY, or YEARLY with BYMONTH)
    /// or of the year (YEARLY without BYMONTH), counted from the end when negative.
    /// </summary>
    private bool WeekdayMatches(LocalDate day)
    {
        var monthScope = _rule.Frequency == Frequency.Monthly || (_rule.Frequency == Frequency.Yearly && _rule.ByMonth.Count > 0);
        int position, length;
        if (monthScope)
        {
            position = day.Day;
            length = CalendarSystem.Iso.GetDaysInMonth(day.Year, day.Month);
        }
        else
        {
            position = day.DayOfYear;
            length = CalendarSystem.Iso.GetDaysInYear(day.Year);
        }

        var fromStart = ((position - 1) / 7) + 1;
        var fromEnd = -(((length - position) / 7) + 1);
        foreach (var entry in _byDay)
        {
            if (entry.Day == day.DayOfWeek
                && (entry.Ordinal == 0 || entry.Ordinal == fromStart || entry.Ordinal == fromEnd))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>BYWEEKNO: week 1 is the first week (starting on WKST) with at least four days in the year (RFC 5545 §3.3.10).</summary>
    private bool WeekNumberMatches(LocalDate day)
    {
        var year = day.Year;
        var first = FirstWeekStart(year);
        if (day < first)
        {
            year--;
            first = FirstWeekStart(year);
        }
        else if (day >= FirstWeekStart(year + 1))
        {
            year++;
            first = FirstWeekStart(year);
        }

        var week = (Period.DaysBetween(first, day) / 7) + 1;
        var weeks = Period.DaysBetween(first, FirstWeekStart(year + 1)) / 7;
        return _rule.ByWeekNo.Contains(week) || _rule.ByWeekNo.Contains(week - weeks - 1);
    }

    private LocalDate FirstWeekStart(int year) => WeekStartOf(new LocalDate(year, 1, 4));

    private LocalDate WeekStartOf(LocalDate day) =>
        day.PlusDays(-(((int)day.DayOfWeek - (int)_rule.WeekStart + 7) % 7));

    /// <summary>Whole periods between DTSTART's period and the one holding <paramref name="target"/>.</summary>
    private long PeriodsBefore(LocalDateTime target)
    {
        if (target <= _start)
        {
            return 0;
        }

        long units = _rule.Frequency switch
        {
            Frequency.Yearly => target.Year - _start.Year,
            Frequency.Monthly => ((target.Year - _start.Year) * 12L) + target.Month - _start.Month,
            Frequency.Weekly => Period.DaysBetween(WeekStartOf(_start.Date), target.Date) / 7,
            Frequency.Daily => Period.DaysBetween(_start.Date, target.Date),
            Frequency.Hourly => Period.Between(_start, target, PeriodUnits.Hours).Hours,
            Frequency.Minutely => Period.Between(_start, target, PeriodUnits.Minutes).Minutes,
            _ => Period.Between(_start, target, PeriodUnits.Seconds).Seconds,
        };
        return units / _rule.Interval;
    }

    private static IReadOnlyList<int> Or(IReadOnlyList<int> values, int fallback) => values.Count > 0 ? values : [fallback];

    // A leap second (BYSECOND=60) has no wall-clock representation; it is never generated.
    private static IReadOnlyList<int> SecondsOr(RecurrenceRule rule, int fallback) =>
        rule.BySecond.Count > 0 ? [.. rule.BySecond.Where(s => s < 60)] : [fallback];

    private static LocalTime[] Times(IReadOnlyList<int> hours, IReadOnlyList<int> minutes, IReadOnlyList<int> seconds)
    {
        if (seconds.Count == 0)
        {
            return [];
        }

        var times = new LocalTime[hours.Count * minutes.Count * seconds.Count];
        var i = 0;
        foreach (var h in hours.Order())
        {
            foreach (var m in minutes.Order())
            {
                foreach (var s in seconds.Order())
                {
                    times[i++] = new LocalTime(h, m, s);
                }
            }
        }

        return times;
    }
}
