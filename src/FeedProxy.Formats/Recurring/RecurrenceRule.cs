using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Recurring;

/// <summary>RFC 5545 §3.3.10 FREQ values, shortest period last.</summary>
public enum Frequency
{
    Yearly,
    Monthly,
    Weekly,
    Daily,
    Hourly,
    Minutely,
    Secondly,
}


/// <summary>
/// A parsed, validated RRULE value (RFC 5545 §3.3.10). Immutable and thread-safe;
/// <see cref="ToString"/> gives the canonical text (parts in the RFC's order), so two
/// spellings of the same rule compare equal.
/// </summary>
public sealed record RecurrenceRule
{
    /// <summary>Longest RRULE text accepted; real rules are under 100 characters.</summary>
    public const int MaxLength = 1000;

    public required Frequency Frequency { get; init; }
    public int Interval { get; init; } = 1;
    public int? Count { get; init; }
    /// <summary>UNTIL as an instant; RFC 5545 §3.3.10 requires UTC when DTSTART has a TZID.</summary>
    public Instant? Until { get; init; }
    public IReadOnlyList<int> BySecond { get; init; } = [];
    public IReadOnlyList<int> ByMinute { get; init; } = [];
    public IReadOnlyList<int> ByHour { get; init; } = [];
    public IReadOnlyList<WeekdayNumber> ByDay { get; init; } = [];
    public IReadOnlyList<int> ByMonthDay { get; init; } = [];
    public IReadOnlyList<int> ByYearDay { get; init; } = [];
    public IReadOnlyList<int> ByWeekNo { get; init; } = [];
    public IReadOnlyList<int> ByMonth { get; init; } = [];
    public IReadOnlyList<int> BySetPos { get; init; } = [];
    public IsoDayOfWeek WeekStart { get; init; } = IsoDayOfWeek.Monday;

    /// <summary>Parses RRULE text ("FREQ=WEEKLY;BYDAY=TU"), optionally prefixed "RRULE:".</summary>
    public static RecurrenceRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule! : throw new FormatException(error);

    /// <summary>Parses and validates; on failure <paramref name="error"/> names the offending part.</summary>
    public static bool TryParse(string? text, out RecurrenceRule? rule, out string? error)
    {
        rule = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "An RRULE is required.";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"An RRULE is at most {MaxLength} characters.";
            return false;
        }

        text = text.Trim();
        if (text.StartsWith("RRULE:", StringComparison.OrdinalIgnoreCase))
        {
            text = text[6..];
        }

        Frequency? frequency = null;
        int? interval = null, count = null;
        Instant? until = null;
        IsoDayOfWeek? weekStart = null;
        var lists = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        List<WeekdayNumber>? byDay = null;
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"'{Short(part)}' is not NAME=VALUE.";
                return false;
            }

            var name = part[..eq].ToUpperInvariant();
            var value = part[(eq + 1)..];
            // §3.3.10: each rule part at most once.
            var duplicate = name switch
            {
                "FREQ" => frequency is not null,
                "INTERVAL" => interval is not null,
                "COUNT" => count is not null,
                "UNTIL" => until is not null,
                "WKST" => weekStart is not null,
                "BYDAY" => byDay is not null,
                _ => lists.ContainsKey(name),
            };
            if (duplicate)
            {
                error = $"{name} is given twice.";
                return false;
            }

            switch (name)
            {
                case "FREQ":
                    frequency = value.ToUpperInvariant() switch
                    {
                        "YEARLY" => Frequency.Yearly,
                        "MONTHLY" => Frequency.Monthly,
                        "WEEKLY" => Frequency.Weekly,
                        "DAILY" => Frequency.Daily,
                        "HOURLY" => Frequency.Hourly,
                        "MINUTELY" => Frequency.Minutely,
                        "SECONDLY" => Frequency.Secondly,
                        _ => null,
                    };
                    if (frequency is null)
                    {
                        error = $"FREQ '{Short(value)}' is not one of YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY, SECONDLY.";
                        return false;
                    }

                    break;
                case "INTERVAL":
                    if (!TryInt(value, 1, 1_000_000, out var i))
                    {
                        error = "INTERVAL must be a positive integer.";
                        return false;
                    }

                    interval = i;
                    break;
                case "COUNT":
                    if (!TryInt(value, 1, int.MaxValue, out var c))
                    {
                        error = "COUNT must be a positive integer.";
                        return false;
                    }

                    count = c;
                    break;
                case "UNTIL":
                    if (ParseUntil(value) is not { } u)
                    {
                        error = $"UNTIL '{Short(value)}' is not a UTC date-time (yyyyMMddTHHmmssZ) or date (yyyyMMdd).";
                        return false;
                    }

                    until = u;
                    break;
                case "WKST":
                    if (WeekdayNumber.ParseDay(value) is not { } w)
                    {
                        error = $"WKST '{Short(value)}' is not a weekday (MO..SU).";
                        return false;
                    }

                    weekStart = w;
                    break;
                case "BYDAY":
                    var days = new List<WeekdayNumber>();
                    foreach (var item in value.Split(','))
                    {
                        if (WeekdayNumber.Parse(item.Trim()) is not { } d)
                        {
                            error = $"BYDAY '{Short(item)}' is not a weekday with an optional ordinal (TU, 2TU, -1FR).";
                            return false;
                        }

                        if (!days.Contains(d))
                        {
                            days.Add(d);
                        }
                    }

                    byDay = days;
                    break;
                default:
                    if (Range(name) is not var (min, max, allowNegative) || max == 0)
                    {
                        error = $"'{Short(name)}' is not an RRULE part.";
                        return false;
                    }

                    var numbers = new SortedSet<int>();
                    foreach (var item in value.Split(','))
                    {
                        if (!int.TryParse(item.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                            || (n >= 0 ? n < min || n > max : !allowNegative || -n > max))
                        {
                            error = $"{name} value '{Short(item)}' is out of range.";
                            return false;
                        }

                        numbers.Add(n);
                    }

                    lists[name] = [.. numbers];
                    break;
            }
        }

        if (frequency is null)
        {
            error = "FREQ is required.";
            return false;
        }

        if (count is not null && until is not null)
        {
            error = "COUNT and UNTIL must not both be given.";
            return false;
        }

        byDay ??= [];
        // §3.3.10: ordinals in BYDAY only with MONTHLY or YEARLY, and not with YEARLY;BYWEEKNO.
        if (byDay.Any(d => d.Ordinal != 0)
            && (frequency is not (Frequency.Monthly or Frequency.Yearly) || (frequency == Frequency.Yearly && lists.ContainsKey("BYWEEKNO"))))
        {
            error = "BYDAY ordinals (2TU, -1FR) are allowed only with FREQ=MONTHLY or FREQ=YEARLY without BYWEEKNO.";
            return false;
        }

        if (lists.ContainsKey("BYMONTHDAY") && frequency == Frequency.Weekly)
        {
            error = "BYMONTHDAY is not allowed with FREQ=WEEKLY.";
            return false;
        }

        if (lists.ContainsKey("BYYEARDAY") && frequency is Frequency.Daily or Frequency.Weekly or Frequency.Monthly)
        {
            error = "BYYEARDAY is not allowed with FREQ=DAILY, WEEKLY or MONTHLY.";
            return false;
        }

        if (lists.ContainsKey("BYWEEKNO") && frequency != Frequency.Yearly)
        {
            error = "BYWEEKNO is allowed only with FREQ=YEARLY.";
            return false;
        }

        if (lists.ContainsKey("BYSETPOS") && lists.Count == 1 && byDay.Count == 0)
        {
            error = "BYSETPOS needs another BYxxx part.";
            return false;
        }

        IReadOnlyList<int> Get(string key) => lists.TryGetValue(key, out var l) ? l : [];
        rule = new RecurrenceRule
        {
            Frequency = frequency.Value,
            Interval = interval ?? 1,
            Count = count,
            Until = until,
            BySecond = Get("BYSECOND"),
            ByMinute = Get("BYMINUTE"),
            ByHour = Get("BYHOUR"),
            ByDay = byDay,
            ByMonthDay = Get("BYMONTHDAY"),
            ByYearDay = Get("BYYEARDAY"),
            ByWeekNo = Get("BYWEEKNO"),
            ByMonth = Get("BYMONTH"),
            BySetPos = Get("BYSETPOS"),
            WeekStart = weekStart ?? IsoDayOfWeek.Monday,
        };
        error = null;
        return true;
    }

    /// <summary>Canonical RRULE text: parts in RFC 5545 order, UNTIL in UTC, WKST only when not Monday.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("FREQ=").Append(Frequency.ToString().ToUpperInvariant());
        if (Until is { } until)
        {
            text.Append(";UNTIL=").Append(InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'").Format(until));
        }

        if (Count is { } count)
        {
            text.Append(";COUNT=").Append(count.ToString(CultureInfo.InvariantCulture));
        }

        if (Interval != 1)
        {
            text.Append(";INTERVAL=").Append(Interval.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, values) in Parts())
        {
            text.Append(';').Append(name).Append('=').Append(string.Join(',', values));
        }

        if (WeekStart != IsoDayOfWeek.Monday)
        {
            text.Append(";WKST=").Append(DayCode(WeekStart));
        }

        return text.ToString();
    }

    /// <summary>The BYxxx parts that are present, in RFC 5545 §3.3.10 order, values as text.</summary>
    public IEnumerable<(string Name, IReadOnlyList<string> Values)> Parts()
    {
        static IReadOnlyList<string> Numbers(IReadOnlyList<int> values) =>
            [.. values.Select(v => v.ToString(CultureInfo.InvariantCulture))];

        if (BySecond.Count > 0) { yield return ("BYSECOND", Numbers(BySecond)); }
        if (ByMinute.Count > 0) { yield return ("BYMINUTE", Numbers(ByMinute)); }
        if (ByHour.Count > 0) { yield return ("BYHOUR", Numbers(ByHour)); }
        if (ByDay.Count > 0) { yield return ("BYDAY", [.. ByDay.Select(d => d.ToString())]); }
        if (ByMonthDay.Count > 0) { yield return ("BYMONTHDAY", Numbers(ByMonthDay)); }
        if (ByYearDay.Count > 0) { yield return ("BYYEARDAY", Numbers(ByYearDay)); }
        if (ByWeekNo.Count > 0) { yield return ("BYWEEKNO", Numbers(ByWeekNo)); }
        if (ByMonth.Count > 0) { yield return ("BYMONTH", Numbers(ByMonth)); }
        if (BySetPos.Count > 0) { yield return ("BYSETPOS", Numbers(BySetPos)); }
    }

    /// <summary>Two-letter weekday code of RFC 5545 §3.3.10 ("MO").</summary>
    public static string DayCode(IsoDayOfWeek day) => WeekdayNumber.Code(day);

    private static Instant? ParseUntil(string text)
    {
        var utc = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'").Parse(text.ToUpperInvariant());
        if (utc.Success)
        {
            return utc.Value;
        }

        // A DATE UNTIL (for all-day series) ends after that day; read it in UTC, the only
        // zone a rule text carries (§3.3.10 requires UTC with a zoned DTSTART).
        var date = LocalDatePattern.CreateWithInvariantCulture("uuuuMMdd").Parse(text);
        return date.Success ? date.Value.PlusDays(1).AtMidnight().InUtc().ToInstant() - Duration.Epsilon : null;
    }

    private static (int Min, int Max, bool AllowNegative)? Range(string name) => name switch
    {
        "BYSECOND" => (0, 60, false),
        "BYMINUTE" => (0, 59, false),
        "BYHOUR" => (0, 23, false),
        "BYMONTHDAY" => (1, 31, true),
        "BYYEARDAY" => (1, 366, true),
        "BYWEEKNO" => (1, 53, true),
        "BYMONTH" => (1, 12, false),
        "BYSETPOS" => (1, 366, true),
        _ => null,
    };

    private static bool TryInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static string Short(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
