using NodaTime;
using NodaTime.TimeZones;

namespace FeedProxy.Formats.TimeZones;

/// <summary>
/// One change of a zone's wall offset (or name), the onset of an RFC 5545 §3.6.5 observance.
/// <see cref="LocalOnset"/> is the wall time just before the change, in <see cref="From"/>,
/// which is how DTSTART, RDATE and RRULE of an observance are expressed.
/// </summary>
internal sealed record ZoneTransition(Instant Instant, Offset From, Offset To, string Name, bool IsDaylight)
{
    public LocalDateTime LocalOnset => Instant.WithOffset(From).LocalDateTime;

    /// <summary>The observance's identity: transitions that share it may collapse into one RRULE or RDATE list.</summary>
    public (bool IsDaylight, Offset From, Offset To, string Name, int Month, LocalTime Time) Kind =>
        (IsDaylight, From, To, Name, LocalOnset.Month, LocalOnset.TimeOfDay);

    /// <summary>
    /// The transition into <paramref name="interval"/>. STANDARD or DAYLIGHT: TZDB's negative
    /// DST (Europe/Dublin's winter has savings -1h) names the larger offset DAYLIGHT, as
    /// clients expect; only the offsets matter for correctness.
    /// </summary>
    public static ZoneTransition Into(ZoneInterval interval, ZoneInterval previous) =>
        new(
            interval.Start,
            previous.WallOffset,
            interval.WallOffset,
            interval.Name,
            interval.Savings > Offset.Zero || (interval.Savings == Offset.Zero && previous.Savings < Offset.Zero));
}
