using NodaTime;

namespace FeedProxy.Formats.Model;

/// <summary>
/// How a session repeats (RFC 5545 §3.8.5): a weekly club meeting is one session with a
/// rule, not one session per week. iCalendar, xCal and jCal keep it as recurrence; formats
/// without recurrence (RSS, Atom, campus profile, pentabarf) expand occurrences inside a window.
/// </summary>
public sealed record Recurrence
{
    /// <summary>Most rules one session may carry; every write path and import keeps to it.</summary>
    public const int MaxRules = 8;

    /// <summary>Most dates, exception dates and overrides (each) one session may carry.</summary>
    public const int MaxItems = 1000;

    /// <summary>
    /// RRULE values in RFC 5545 §3.3.10 text form without the property name
    /// (<c>FREQ=WEEKLY;BYDAY=TU;COUNT=10</c>); UNTIL, when present, in UTC (<c>...Z</c>).
    /// </summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>Extra occurrence starts (RDATE), each lasting the session's duration.</summary>
    public IReadOnlyList<Instant> Dates { get; init; } = [];

    /// <summary>Starts removed from the set (EXDATE).</summary>
    public IReadOnlyList<Instant> ExceptionDates { get; init; } = [];

    /// <summary>Occurrences that differ from the rule (RECURRENCE-ID), keyed by their original start.</summary>
    public IReadOnlyList<RecurrenceOverride> Overrides { get; init; } = [];

    /// <summary>
    /// IANA zone in which the rule is expanded (BYDAY, BYHOUR and DST follow its wall clock);
    /// null: the event's zone.
    /// </summary>
    public string? TimeZone { get; init; }
}

/// <summary>One overridden occurrence of a recurring session (RFC 5545 RECURRENCE-ID).</summary>
public sealed record RecurrenceOverride
{
    /// <summary>The start this occurrence would have had under the rule.</summary>
    public required Instant RecurrenceId { get; init; }

    /// <summary>
    /// The occurrence as it now is: its own start, end, title, room, state (cancelled),
    /// same <see cref="Session.Id"/> as the series, and no <see cref="Session.Recurrence"/>.
    /// </summary>
    public required Session Instance { get; init; }
}
