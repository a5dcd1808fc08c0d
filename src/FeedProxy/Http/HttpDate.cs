namespace FeedProxy.Http;

/// <summary>
/// The preferred HTTP-date form, IMF-fixdate (RFC 9110 §5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT"),
/// read from a span with no allocation. Conditional requests carry back the Last-Modified a
/// server sent, which is always this form, so the common case skips the general date parser.
/// </summary>
internal static class HttpDate
{
    private const int Length = 29;
    private static readonly string[] Days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>
    /// Seconds since the Unix epoch of a well-formed IMF-fixdate whose day name matches its date.
    /// False for anything else, including the obsolete forms recipients must also accept
    /// (RFC 850, asctime) and dates that do not exist: the caller falls back to the general parser.
    /// </summary>
    public static bool TryParseImfFixdate(ReadOnlySpan<char> text, out long unixSeconds)
    {
        unixSeconds = 0;
        if (text.Length != Length
            || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' || text[16] != ' '
            || text[19] != ':' || text[22] != ':' || !text[25..].SequenceEqual(" GMT"))
        {
            return false;
        }

        var month = IndexOf(Months, text.Slice(8, 3)) + 1;
        var dayOfWeek = IndexOf(Days, text[..3]);
        if (month == 0 || dayOfWeek < 0
            || !TryDigits(text.Slice(5, 2), out var day) || !TryDigits(text.Slice(12, 4), out var year)
            || !TryDigits(text.Slice(17, 2), out var hour) || !TryDigits(text.Slice(20, 2), out var minute)
            || !TryDigits(text.Slice(23, 2), out var second)
            || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var date = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        if ((int)date.DayOfWeek != dayOfWeek)
        {
            return false;
        }

        unixSeconds = (date.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        return true;
    }

    private static int IndexOf(string[] names, ReadOnlySpan<char> name)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
