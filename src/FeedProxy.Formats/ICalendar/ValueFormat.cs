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
    public static string DateTime(DateTimeValue value, bool extended)
    {
        var local = value.Local;
        var text = extended
            ? string.Create(CultureInfo.InvariantCulture, $"{local.Year:D4}-{local.Month:D2}-{local.Day:D2}T{local.Hour:D2}:{local.Minute:D2}:{local.Second:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{local.Year:D4}{local.Month:D2}{local.Day:D2}T{local.Hour:D2}{local.Minute:D2}{local.Second:D2}");
        return value.IsUtc ? text + "Z" : text;
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

            if (minutes > 0)
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
}
