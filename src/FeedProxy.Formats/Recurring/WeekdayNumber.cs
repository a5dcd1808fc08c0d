using System.Globalization;
using NodaTime;

namespace FeedProxy.Formats.Recurring;

/// <summary>
/// One BYDAY entry (RFC 5545 §3.3.10 "weekdaynum"): a weekday, optionally the n-th (or n-th
/// from last, negative) in the period. The one reader and writer of weekday codes, for rules
/// and for the yearly transitions of generated time zones.
/// </summary>
public readonly record struct WeekdayNumber(int Ordinal, IsoDayOfWeek Day)
{
    /// <summary>Canonical text: "2SU", "-1SU", or "MO" without an ordinal.</summary>
    public override string ToString() =>
        (Ordinal == 0 ? string.Empty : Ordinal.ToString(CultureInfo.InvariantCulture)) + Code(Day);

    /// <summary>Two-letter weekday code ("MO").</summary>
    public static string Code(IsoDayOfWeek day) => day switch
    {
        IsoDayOfWeek.Monday => "MO",
        IsoDayOfWeek.Tuesday => "TU",
        IsoDayOfWeek.Wednesday => "WE",
        IsoDayOfWeek.Thursday => "TH",
        IsoDayOfWeek.Friday => "FR",
        IsoDayOfWeek.Saturday => "SA",
        IsoDayOfWeek.Sunday => "SU",
        _ => throw new ArgumentOutOfRangeException(nameof(day)),
    };

    /// <summary>A two-letter weekday code, any case; else null.</summary>
    public static IsoDayOfWeek? ParseDay(string text) => text.ToUpperInvariant() switch
    {
        "MO" => IsoDayOfWeek.Monday,
        "TU" => IsoDayOfWeek.Tuesday,
        "WE" => IsoDayOfWeek.Wednesday,
        "TH" => IsoDayOfWeek.Thursday,
        "FR" => IsoDayOfWeek.Friday,
        "SA" => IsoDayOfWeek.Saturday,
        "SU" => IsoDayOfWeek.Sunday,
        _ => null,
    };

    /// <summary>"[+|-]n" (1 to 53) then a weekday code, or the code alone; else null.</summary>
    public static WeekdayNumber? Parse(string text)
    {
        if (text.Length < 2 || ParseDay(text[^2..]) is not { } day)
        {
            return null;
        }

        var ordinal = 0;
        if (text.Length > 2
            && (!int.TryParse(text[..^2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ordinal)
                || ordinal == 0 || ordinal is > 53 or < -53))
        {
            return null;
        }

        return new WeekdayNumber(ordinal, day);
    }
}
