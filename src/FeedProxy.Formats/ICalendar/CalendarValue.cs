using NodaTime;

namespace FeedProxy.Formats.ICalendar;

/// <summary>One typed value of a <see cref="CalendarProperty"/>.</summary>
internal abstract record CalendarValue;

/// <summary>TEXT (RFC 5545 §3.3.11); also used for the enumerated values (STATUS:CONFIRMED).</summary>
internal sealed record TextValue(string Text) : CalendarValue;

/// <summary>URI (RFC 5545 §3.3.13).</summary>
internal sealed record UriValue(string Uri) : CalendarValue;

/// <summary>
/// DATE-TIME (RFC 5545 §3.3.5): UTC ("Z") or local time whose zone is given by the
/// property's TZID parameter. Floating times are never written (FIELD.md: clients misread them).
/// </summary>
internal sealed record DateTimeValue(LocalDateTime Local, bool IsUtc) : CalendarValue
{
    public static DateTimeValue Utc(Instant instant) => new(UtcLocal(instant), IsUtc: true);

    /// <summary>The UTC wall-clock time of an instant, to whole seconds (as every DATE-TIME is written).</summary>
    public static LocalDateTime UtcLocal(Instant instant) =>
        Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds()).InUtc().LocalDateTime;
}

/// <summary>DURATION (RFC 5545 §3.3.6), whole seconds.</summary>
internal sealed record DurationValue(Duration Duration) : CalendarValue;

/// <summary>INTEGER (RFC 5545 §3.3.8).</summary>
internal sealed record IntegerValue(int Value) : CalendarValue;

/// <summary>
/// The GEO pair (RFC 5545 §3.8.1.6, FLOAT type), rounded to six decimals (about 0.1 m) so every
/// format prints the same digits.
/// </summary>
internal sealed record GeoValue(double Latitude, double Longitude) : CalendarValue;

/// <summary>UTC-OFFSET (RFC 5545 §3.3.14).</summary>
internal sealed record UtcOffsetValue(Offset Offset) : CalendarValue;

/// <summary>
/// RECUR (RFC 5545 §3.3.10), the subset VTIMEZONE rules need: FREQ=YEARLY, optional
/// UNTIL (always UTC, §3.3.10 requires it when DTSTART has a TZID), BYMONTH and BYDAY.
/// </summary>
internal sealed record RecurValue(string Frequency, Instant? Until, int ByMonth, string ByDay) : CalendarValue;

/// <summary>
/// RECUR of a recurring session (RFC 5545 §3.3.10): the whole validated rule, which iCalendar
/// writes as text, xCal as one element per part (RFC 6321 §3.6.10) and jCal as an object
/// (RFC 7265 §3.6.10).
/// </summary>
internal sealed record RuleValue(Recurring.RecurrenceRule Rule) : CalendarValue;
