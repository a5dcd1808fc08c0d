using System.Globalization;
using NodaTime;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// Value text shared by the three serialisers. iCalendar uses the basic forms
/// (20270326T090000, +0100); xCal and jCal the extended ones (2027-03-26T09:00:00, +01:00),
/// RFC 6321 §3.6.5/§3.6.14 and RFC 7265 §3.6.5/§3.6.14.
/// </summary>
internal static class ValueFormat
{
    /// <summary>Longest date-time text: "2027-03-26T09:00:00Z".</summary>
    public const int MaxDateTimeLength = 20;

    public static string DateTime(DateTimeValue value, bool extended)
    {
        Span<char> buffer = stackalloc char[MaxDateTimeLength];
        return new string(buffer[..FormatDateTime(value, extended, buffer)]);
    }

    /// <summary>Writes the date-time into <paramref name="destination"/> (at least <see cref="MaxDateTimeLength"/> chars) without allocating.</summary>
    public static int FormatDateTime(DateTimeValue value, bool extended, Span<char> destination) =>
        FormatDateTime(value.Local, value.IsUtc, extended, destination);

    /// <inheritdoc cref="FormatDateTime(DateTimeValue, bool, Span{char})"/>
    public static int FormatDateTime(LocalDateTime local, bool isUtc, bool extended, Span<char> destination)
    {
        var position = 0;
        Digits(destination, ref position, local.Year, 4);
        Separator(destination, ref position, extended, '-');
        Digits(destination, ref position, local.Month, 2);
        Separator(destination, ref position, extended, '-');
        Digits(destination, ref position, local.Day, 2);
        destination[position++] = 'T';
        Digits(destination, ref position, local.Hour, 2);
        Separator(destination, ref position, extended, ':');
        Digits(destination, ref position, local.Minute, 2);
        Separator(destination, ref position, extended, ':');
        Digits(destination, ref position, local.Second, 2);
        if (isUtc)
        {
            destination[position++] = 'Z';
        }

        return position;
    }

    public static string UtcDateTime(Instant instant, bool extended) => DateTime(DateTimeValue.Utc(instant), extended);

    /// <summary>RFC 5545 §3.3.6 dur-value: weeks are never used, zero is "PT0S".</summary>
    public static string Duration(Duration duration)
    {
        var seconds = (long)Math.Round(duration.TotalSeconds);
        if (seconds == 0)
        {
            return "PT0S";
        }

        var sign = seconds < 0 ? "-" : string.Empty;
        seconds = Math.Abs(seconds);
        var days = seconds / 86400;
        var hours = seconds % 86400 / 3600;
        var minutes = seconds % 3600 / 60;
        var rest = seconds % 60;
        var builder = new System.Text.StringBuilder(sign).Append('P');
        if (days > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{days}D");
        }

        if (hours > 0 || minutes > 0 || rest > 0)
        {
            builder.Append('T');
            if (hours > 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"{hours}H");
            }

            // §3.3.6 dur-hour = 1*DIGIT "H" [dur-minute]: seconds after hours need the minutes between.
            if (minutes > 0 || (hours > 0 && rest > 0))
            {
                builder.Append(CultureInfo.InvariantCulture, $"{minutes}M");
            }

            if (rest > 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"{rest}S");
            }
        }

        return builder.ToString();
    }

    /// <summary>RFC 5545 §3.3.14: seconds only when not zero; "-0000" is not allowed, so zero is "+0000".</summary>
    public static string UtcOffset(Offset offset, bool extended)
    {
        var seconds = offset.Seconds;
        var sign = seconds < 0 ? '-' : '+';
        seconds = Math.Abs(seconds);
        var h = seconds / 3600;
        var m = seconds % 3600 / 60;
        var s = seconds % 60;
        var separator = extended ? ":" : string.Empty;
        var text = string.Create(CultureInfo.InvariantCulture, $"{sign}{h:D2}{separator}{m:D2}");
        return s == 0 ? text : string.Create(CultureInfo.InvariantCulture, $"{text}{separator}{s:D2}");
    }

    /// <summary>Fixed notation, never an exponent (RFC 5545 §3.3.7 FLOAT has none).</summary>
    public static string Float(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>iCalendar text of a RECUR value (rule parts are unordered, §3.3.10).</summary>
    public static string Recur(RecurValue recur)
    {
        var until = recur.Until is { } u ? ";UNTIL=" + UtcDateTime(u, extended: false) : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"FREQ={recur.Frequency}{until};BYMONTH={recur.ByMonth};BYDAY={recur.ByDay}");
    }

    private static void Digits(Span<char> destination, ref int position, int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            destination[position + i] = (char)('0' + (value % 10));
            value /= 10;
        }

        position += width;
    }

    private static void Separator(Span<char> destination, ref int position, bool extended, char separator)
    {
        if (extended)
        {
            destination[position++] = separator;
        }
    }
}
