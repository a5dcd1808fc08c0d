using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Text;

/// <summary>
/// The one reader for a session's length, as the event document and every schedule import
/// write it: ISO 8601 (<c>PT1H30M</c>, RFC 5545 §3.3.6 style, weeks and days as fixed lengths
/// since a session's duration is elapsed time; no years or months), plain minutes
/// (<c>50</c>), <c>h:mm</c>, or three colon-separated numbers. Callers bound the result
/// (an import to a month, the event document to a year).
/// </summary>
public static class DurationText
{
    /// <summary>How three colon-separated numbers are read.</summary>
    public enum ThreeParts
    {
        /// <summary><c>hh:mm:ss</c> always (the event document, as documented).</summary>
        HoursMinutesSeconds,

        /// <summary>
        /// <c>d:hh:mm</c> where that reading fits, else <c>hh:mm:ss</c>: pretalx writes a day count
        /// only when it is at least one, so a leading 0 or an hour field of 24 or more means
        /// <c>hh:mm:ss</c> (which the c3voc schedule XSD also allows).
        /// </summary>
        DaysWhenTheyFit,
    }

    public static Duration? Parse(string? text, ThreeParts threeParts)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 32)
        {
            return null;
        }

        if (value[0] is 'P' or 'p')
        {
            return Iso(value.ToUpperInvariant());
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
        {
            return Duration.FromMinutes(minutes);
        }

        var parts = Fields(value);
        if (parts is null)
        {
            return null;
        }

        if (parts.Length == 2 && parts[1] < 60)
        {
            return Duration.FromHours(parts[0]) + Duration.FromMinutes(parts[1]);
        }

        if (parts.Length == 3 && parts[2] < 60)
        {
            if (threeParts == ThreeParts.DaysWhenTheyFit && parts[0] is >= 1 and <= 31 && parts[1] < 24)
            {
                return Duration.FromDays(parts[0]) + Duration.FromHours(parts[1]) + Duration.FromMinutes(parts[2]);
            }

            if (parts[1] < 60)
            {
                return Duration.FromHours(parts[0]) + Duration.FromMinutes(parts[1]) + Duration.FromSeconds(parts[2]);
            }
        }

        return null;
    }

    private static Duration? Iso(string value)
    {
        var iso = PeriodPattern.NormalizingIso.Parse(value);
        if (!iso.Success || iso.Value.Years != 0 || iso.Value.Months != 0)
        {
            return null;
        }

        try
        {
            var d = iso.Value.ToDuration();
            return d >= Duration.Zero ? d : null;
        }
        catch (OverflowException)
        {
            return null; // beyond NodaTime's range: as unusable as malformed
        }
    }

    /// <summary>
    /// Two or three colon-separated numbers of up to four digits each (so no field can overflow
    /// what it is multiplied by), else null. Also read by the wall-clock times of imports.
    /// </summary>
    internal static int[]? Fields(string? text)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 16)
        {
            return null;
        }

        var pieces = value.Split(':');
        if (pieces.Length > 3)
        {
            return null;
        }

        var numbers = new int[pieces.Length];
        for (var i = 0; i < pieces.Length; i++)
        {
            if (pieces[i].Length is 0 or > 4 || !int.TryParse(pieces[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return numbers;
    }
}
