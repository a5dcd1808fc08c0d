using System.Globalization;
using FeedProxy.Formats.Text;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Import;

/// <summary>The date, time and duration spellings schedule files use.</summary>
internal static class ScheduleTime
{
    private static readonly OffsetDateTimePattern[] OffsetPatterns =
    [
        OffsetDateTimePattern.ExtendedIso,
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss;FFFFFFFFFo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mmo<G>"),
    ];

    private static readonly LocalDateTimePattern[] LocalPatterns =
    [
        LocalDateTimePattern.ExtendedIso,
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm"),
    ];

    public const string OutOfRange = "A date, time or duration is outside the supported range (years 1 to 9999).";

    /// <summary>Runs one session's read, turning NodaTime's range errors (dates near year 9999) into <see cref="ImportException"/>.</summary>
    public static void InRange(Action read, string path)
    {
        try
        {
            read();
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new ImportException(OutOfRange, path, null, null, e);
        }
    }

    /// <summary>Runs a whole import with the same translation, for values outside a session (conference dates).</summary>
    public static T InRange<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new ImportException(OutOfRange, e);
        }
    }

    /// <summary>An IANA zone (TZDB, including its backward-compatible aliases), else null.</summary>
    public static DateTimeZone? Zone(string? id)
    {
        var text = id?.Trim();
        return string.IsNullOrEmpty(text) || text.Length > 64 ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(text);
    }

    /// <summary>
    /// A TZDB id for a fixed offset, for files that give offsets but no zone name. Only whole
    /// hours have one ("Etc/GMT-1" is UTC+1: the Etc signs are inverted, POSIX style).
    /// </summary>
    public static string? FixedZoneId(Offset offset)
    {
        if (offset == Offset.Zero)
        {
            return "UTC";
        }

        if (offset.Seconds % 3600 != 0 || Math.Abs(offset.Seconds / 3600) > 12)
        {
            return null;
        }

        var hours = -offset.Seconds / 3600;
        return "Etc/GMT" + (hours > 0 ? "+" : "") + hours.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>ISO 8601 date-time with an offset or "Z" ("2024-12-28T00:15:00+01:00").</summary>
    public static OffsetDateTime? WithOffset(string? text)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 64)
        {
            return null;
        }

        foreach (var pattern in OffsetPatterns)
        {
            var result = pattern.Parse(value);
            if (result.Success)
            {
                // Only values that are instants: 9999-12-31T23:59-14:00 is past Instant's range.
                var odt = result.Value;
                return odt.LocalDateTime.Year is > 1 and < 9999 ? odt : null;
            }
        }

        return null;
    }

    /// <summary>A date-time without offset ("2025-03-04 21:21"), else null.</summary>
    public static LocalDateTime? Local(string? text)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 64)
        {
            return null;
        }

        foreach (var pattern in LocalPatterns)
        {
            var result = pattern.Parse(value);
            if (result.Success)
            {
                return result.Value;
            }
        }

        return null;
    }

    /// <summary>An instant from an offset date-time, or a local one read in <paramref name="zone"/> (when given).</summary>
    public static Instant? Instant(string? text, DateTimeZone? zone)
    {
        if (WithOffset(text) is { } withOffset)
        {
            return withOffset.ToInstant();
        }

        return zone is not null && Local(text) is { } local ? local.InZoneLeniently(zone).ToInstant() : null;
    }

    /// <summary>"yyyy-MM-dd", also the date part of a date-time.</summary>
    public static LocalDate? Date(string? text)
    {
        var value = text?.Trim();
        if (value is null || value.Length < 10)
        {
            return null;
        }

        var result = LocalDatePattern.Iso.Parse(value[..10]);
        return result.Success && (value.Length == 10 || value[10] is 'T' or ' ') ? result.Value : null;
    }

    /// <summary>
    /// A wall-clock time "HH:MM" or "HH:MM:SS" as elapsed time since midnight. Hours up to 47
    /// are accepted because some exports write after-midnight slots as "25:30".
    /// </summary>
    public static Duration? Clock(string? text)
    {
        var parts = DurationText.Fields(text);
        if (parts is null || parts.Length is not (2 or 3) || parts[0] > 47 || parts[1] > 59 || (parts.Length == 3 && parts[2] > 59))
        {
            return null;
        }

        return Duration.FromHours(parts[0]) + Duration.FromMinutes(parts[1]) + Duration.FromSeconds(parts.Length == 3 ? parts[2] : 0);
    }

    /// <summary>Longest session an import accepts; longer ones are read as mistakes.</summary>
    private static readonly Duration MaxLength = Duration.FromDays(31);

    /// <summary>A session length as schedule files write it (see <see cref="DurationText"/>), at most a month.</summary>
    public static Duration? Length(string? text) =>
        DurationText.Parse(text, DurationText.ThreeParts.DaysWhenTheyFit) is { } d && d <= MaxLength ? d : null;
}

/// <summary>Which zone an import uses: the file's, else the caller's fallback.</summary>
internal static class ZoneChoice
{
    // Front ends add how to give one (--time-zone, ?timeZone=): see ImportException.NeedsTimeZone.
    public const string Missing = "The schedule states no time zone and gives local times only.";

    /// <summary>The field named when the caller's time zone is not an IANA id.</summary>
    public const string OptionField = "timeZone";

    /// <summary>The zone named by the file when TZDB knows it, else <see cref="ImportOptions.TimeZone"/>, else null.</summary>
    public static (DateTimeZone? Zone, string? Id) Choose(string? stated, ImportOptions options)
    {
        if (ScheduleTime.Zone(stated) is { } zone)
        {
            return (zone, zone.Id);
        }

        if (options.TimeZone is null)
        {
            return (null, null);
        }

        var fallback = ScheduleTime.Zone(options.TimeZone)
            ?? throw new ImportException($"'{options.TimeZone}' is not an IANA time zone id.", OptionField);
        return (fallback, fallback.Id);
    }
}
