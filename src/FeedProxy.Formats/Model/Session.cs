using NodaTime;

namespace FeedProxy.Formats.Model;

/// <summary>
/// One scheduled item. Times are instants; the event's time zone decides how they are
/// shown. <see cref="Revision"/> grows on every change a subscriber would see and becomes
/// iCalendar SEQUENCE (RFC 5545 §3.8.7.4).
/// </summary>
public sealed record Session
{
    /// <summary>Stable identifier within the event; the basis of UIDs and GUIDs.</summary>
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Subtitle { get; init; }
    public string? Abstract { get; init; }
    public required Instant Start { get; init; }
    public required Instant End { get; init; }
    public SessionState State { get; init; } = SessionState.Confirmed;
    public Track? Track { get; init; }
    public Room? Room { get; init; }
    /// <summary>Session type ("Talk", "Workshop", ...).</summary>
    public string? Type { get; init; }
    /// <summary>Language tag or free text as the source gives it ("en", "de, en").</summary>
    public string? Language { get; init; }
    public string? Url { get; init; }
    public string? ImageUrl { get; init; }
    /// <summary>Live stream URL (iCalendar CONFERENCE).</summary>
    public string? StreamUrl { get; init; }
    /// <summary>Recording URL.</summary>
    public string? VideoUrl { get; init; }
    public string? SlidesUrl { get; init; }
    public IReadOnlyList<Speaker> Speakers { get; init; } = [];

    /// <summary>
    /// Display colour ("#RRGGBB") set by whoever composes a feed (a collection member's colour);
    /// overrides the track's. Never stored with the schedule.
    /// </summary>
    public string? Color { get; init; }
    public required Instant LastModified { get; init; }
    public int Revision { get; init; }
    /// <summary>Null for a one-off session; otherwise how it repeats from <see cref="Start"/>.</summary>
    public Recurrence? Recurrence { get; init; }

    /// <summary>
    /// Set only on one occurrence of a recurring session, as feeds without recurrence write it
    /// (see <see cref="Recurring.RecurrenceExpander"/>): the start it has under the rule
    /// (RFC 5545 RECURRENCE-ID). It makes the occurrence's UID and GUID unique and stable.
    /// </summary>
    public Instant? RecurrenceId { get; init; }

    public Duration Duration => End - Start;
}
