using NodaTime;

namespace FeedProxy.Formats.Model;

/// <summary>
/// The instants a schedule may name. Schedules are about the present; the calendar's ends
/// (year 1, 9999 in UTC+14) overflow time-zone arithmetic in every writer and in PostgreSQL
/// round trips, so every write path refuses anything outside [1900, 2200).
/// </summary>
public static class ScheduleRange
{
    /// <summary>Earliest instant a schedule may name (inclusive).</summary>
    public static readonly Instant Earliest = Instant.FromUtc(1900, 1, 1, 0, 0);

    /// <summary>Latest instant a schedule may name (exclusive).</summary>
    public static readonly Instant Latest = Instant.FromUtc(2200, 1, 1, 0, 0);

    /// <summary>The range in words, for validation messages.</summary>
    public const string Description = "years 1900 to 2199";

    /// <summary>True when <paramref name="instant"/> lies in [<see cref="Earliest"/>, <see cref="Latest"/>).</summary>
    public static bool Contains(Instant instant) => instant >= Earliest && instant < Latest;
}
