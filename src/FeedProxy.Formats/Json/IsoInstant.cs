using FeedProxy.Formats.Model;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Json;

/// <summary>The date-time spellings the event document accepts (ISO 8601 with or without offset).</summary>
public static class IsoInstant
{
    private static readonly OffsetDateTimePattern OffsetPattern = OffsetDateTimePattern.ExtendedIso;
    private static readonly LocalDateTimePattern LocalPattern = LocalDateTimePattern.ExtendedIso;
    private static readonly OffsetDateTimePattern OffsetMinutesPattern = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>");
    private static readonly LocalDateTimePattern LocalMinutesPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm");

    /// <summary>
    /// Reads ISO 8601 with offset, or local time in <paramref name="zone"/> (gaps shift forward,
    /// overlaps take the earlier); instants outside <see cref="ScheduleRange"/> are errors.
    /// </summary>
    public static Instant? Parse(string? text, DateTimeZone zone, string field, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Instant? value;
        try
        {
            value = ParseUnchecked(text, zone, field, error);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            error(field, OutOfRange(text!));
            return null;
        }

        if (value is { } v && !ScheduleRange.Contains(v))
        {
            error(field, OutOfRange(text!));
            return null;
        }

        return value;
    }

    private static string OutOfRange(string text) =>
        $"'{JsonFields.Truncate(text.Trim())}' is outside the supported range ({ScheduleRange.Description}).";

    private static Instant? ParseUnchecked(string? text, DateTimeZone zone, string field, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        // Seconds are optional ("2027-03-26T09:00+01:00"), as many organisers write them.
        var withOffset = OffsetPattern.Parse(text);
        if (!withOffset.Success)
        {
            withOffset = OffsetMinutesPattern.Parse(text);
        }

        if (withOffset.Success)
        {
            return withOffset.Value.ToInstant();
        }

        if (text.EndsWith('Z') && InstantPattern.ExtendedIso.Parse(text) is { Success: true } utc)
        {
            return utc.Value;
        }

        var local = LocalPattern.Parse(text);
        if (!local.Success)
        {
            local = LocalMinutesPattern.Parse(text);
        }

        if (local.Success)
        {
            return local.Value.InZoneLeniently(zone).ToInstant();
        }

        error(field, $"'{JsonFields.Truncate(text)}' is not an ISO 8601 date-time.");
        return null;
    }
}
