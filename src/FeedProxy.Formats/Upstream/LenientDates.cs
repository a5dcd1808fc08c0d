using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;

namespace FeedProxy.Formats.Upstream;

/// <summary>A point in time read from a feed, and whether it named a day only.</summary>
internal readonly record struct FeedTime(Instant Instant, bool DateOnly);

/// <summary>
/// Dates as real event feeds write them: RFC 822/1123 with or without weekday, with wrong
/// weekdays, zone abbreviations (EST, PDT, UT) or numeric offsets (RFC 822 §5, RSS 2.0); W3C /
/// RFC 3339 with up to 7 fraction digits or none, with 'Z', an offset or nothing; the basic
/// iCalendar form (20260131T103000Z); "2026-08-15 14:00"; date only. Times without an offset are
/// read in the given zone.
/// </summary>
internal static partial class LenientDates
{
    private static readonly Dictionary<string, string> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = "+0000", ["UTC"] = "+0000", ["GMT"] = "+0000", ["Z"] = "+0000",
        ["EST"] = "-0500", ["EDT"] = "-0400", ["CST"] = "-0600", ["CDT"] = "-0500",
        ["MST"] = "-0700", ["MDT"] = "-0600", ["PST"] = "-0800", ["PDT"] = "-0700",
        ["CET"] = "+0100", ["CEST"] = "+0200", ["BST"] = "+0100", ["IST"] = "+0530",
    };

    private static readonly string[] OffsetFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mmK",
        "yyyyMMdd'T'HHmmss'Z'",
        "d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm zzz", "d MMM yy HH:mm:ss zzz", "d MMM yy HH:mm zzz",
        "d MMMM yyyy HH:mm:ss zzz",
    ];

    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyyMMdd'T'HHmmss",
        "d MMM yyyy HH:mm:ss", "d MMM yyyy HH:mm",
    ];

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyyMMdd", "d MMM yyyy"];

    public static FeedTime? Parse(string? text, DateTimeZone zone)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 100)
        {
            return null;
        }

        var s = Weekday().Replace(text.Trim(), string.Empty).Trim();
        s = TrailingZone().Replace(s, m => " " + (Zones.TryGetValue(m.Groups[1].Value, out var offset) ? offset : m.Groups[1].Value));
        s = CompactOffset().Replace(s, "$1$2:$3"); // +0100 -> +01:00 for zzz

        if (DateTimeOffset.TryParseExact(s, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset)
            && HasOffset(s))
        {
            return new FeedTime(Instant.FromDateTimeOffset(withOffset), false);
        }

        if (DateTime.TryParseExact(s, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local))
        {
            return new FeedTime(LocalDateTime.FromDateTime(local).InZoneLeniently(zone).ToInstant(), false);
        }

        if (DateTime.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date))
        {
            return new FeedTime(LocalDate.FromDateTime(date).AtStartOfDayInZone(zone).ToInstant(), true);
        }

        // Last resort: the framework's own reading, only when it states an offset.
        return HasOffset(s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var any)
            ? new FeedTime(Instant.FromDateTimeOffset(any), false)
            : null;
    }

    private static bool HasOffset(string s) => s.EndsWith('Z') || OffsetAtEnd().IsMatch(s);

    [GeneratedRegex(@"^[A-Za-z]{3,9}\.?,\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\s+([A-Za-z]{1,4})$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingZone();

    [GeneratedRegex(@"(\s)([+-]\d\d)(\d\d)$", RegexOptions.CultureInvariant)]
    private static partial Regex CompactOffset();

    [GeneratedRegex(@"[+-]\d\d:?\d\d$", RegexOptions.CultureInvariant)]
    private static partial Regex OffsetAtEnd();
}
