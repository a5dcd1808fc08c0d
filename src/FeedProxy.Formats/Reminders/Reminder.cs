using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;

namespace FeedProxy.Formats.Reminders;

/// <summary>
/// A subscriber's reminder: an offset from each session's start, written as a VALARM
/// (RFC 5545 §3.6.6) with ACTION:DISPLAY, the session title as DESCRIPTION and the offset as
/// TRIGGER (a dur-value, §3.3.6, relative to DTSTART by default, §3.8.6.3).
/// </summary>
public static partial class Reminder
{
    /// <summary>At most this many alarms per session: calendars show every one, and more is noise.</summary>
    public const int MaxAlarms = 3;

    /// <summary>Offsets reach at most four weeks either side of the start.</summary>
    public static readonly Duration MaxOffset = Duration.FromDays(28);

    // RFC 5545 §3.3.6: dur-value = (["+"] / "-") "P" (dur-date / dur-time / dur-week);
    // dur-date = dur-day [dur-time]; dur-time = "T" (dur-hour / dur-minute / dur-second),
    // where an hour may be followed by minutes (and seconds), minutes by seconds.
    [GeneratedRegex(@"^(?<sign>[+-])?P(?:(?<weeks>\d{1,2})W|(?:(?<days>\d{1,2})D)?(?:T(?:(?<hours>\d{1,3})H(?:(?<minutes>\d{1,5})M(?:(?<seconds>\d{1,7})S)?)?|(?<minutes>\d{1,5})M(?:(?<seconds>\d{1,7})S)?|(?<seconds>\d{1,7})S))?)$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 100)]
    private static partial Regex DurationPattern();

    /// <summary>
    /// Parses one RFC 5545 duration (<c>-PT15M</c>, <c>-P1D</c>, <c>-PT1H30M</c>, <c>PT0S</c>);
    /// case-insensitive, at most <see cref="MaxOffset"/> either way.
    /// </summary>
    public static bool TryParse(string? text, out Duration offset)
    {
        offset = Duration.Zero;
        if (string.IsNullOrEmpty(text) || text.Length > 32)
        {
            return false;
        }

        var match = DurationPattern().Match(text.ToUpperInvariant());
        if (!match.Success || (!match.Groups["weeks"].Success && !match.Groups["days"].Success
            && !match.Groups["hours"].Success && !match.Groups["minutes"].Success && !match.Groups["seconds"].Success))
        {
            return false;
        }

        static long Part(Match m, string name) =>
            m.Groups[name].Success ? long.Parse(m.Groups[name].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

        var seconds = (Part(match, "weeks") * 7 * 86400) + (Part(match, "days") * 86400) + (Part(match, "hours") * 3600)
            + (Part(match, "minutes") * 60) + Part(match, "seconds");
        if (seconds > MaxOffset.TotalSeconds)
        {
            return false;
        }

        offset = Duration.FromSeconds(match.Groups["sign"].Value == "-" ? -seconds : seconds);
        return true;
    }

    /// <summary>The canonical text of an offset (what URLs and cache keys carry): <c>-PT15M</c>, <c>-P1DT2H</c>.</summary>
    public static string Format(Duration offset) => ICalendar.ValueFormat.Duration(offset);

    /// <summary>Human text for titles and pages: "15 min before", "1 h before", "at the start".</summary>
    public static string Describe(Duration offset)
    {
        var seconds = (long)Math.Abs(offset.TotalSeconds);
        if (seconds == 0)
        {
            return "at the start";
        }

        var text = seconds % 86400 == 0 ? $"{seconds / 86400} d"
            : seconds % 3600 == 0 ? $"{seconds / 3600} h"
            : seconds % 60 == 0 ? $"{seconds / 60} min"
            : $"{seconds} s";
        return text + (offset < Duration.Zero ? " before" : " after the start");
    }
}
