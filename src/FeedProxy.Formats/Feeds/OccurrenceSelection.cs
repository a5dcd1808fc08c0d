using FeedProxy.Formats.Model;
using FeedProxy.Formats.Recurring;
using NodaTime;

namespace FeedProxy.Formats.Feeds;

/// <summary>
/// One occurrence of a recurring session as a standalone download ("add this one to my
/// calendar"). It is written as a plain VEVENT: no RRULE, no RECURRENCE-ID, and a UID of its
/// own derived from the series' and the occurrence's start (<see cref="FeedDocument.OccurrenceKey"/>).
/// A VEVENT with the series' UID and a RECURRENCE-ID (RFC 5545 §3.8.4.4) would be an override,
/// which a client files under the series it belongs to: imported alone it either attaches to a
/// subscribed copy of the series or is an orphan without its master. Pure.
/// </summary>
public static class OccurrenceSelection
{
    /// <summary>
    /// The occurrence of <paramref name="series"/> that the rule (or an override) puts at
    /// <paramref name="recurrenceId"/>, as a session without recurrence and with
    /// <see cref="Session.RecurrenceId"/> set; null when the series has no such occurrence (not
    /// recurring, not a start of it, excluded by EXDATE, or an override that is not public).
    /// </summary>
    public static Session? Pick(Session series, DateTimeZone eventZone, Instant recurrenceId)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Recurrence is not { } recurrence || recurrence.ExceptionDates.Contains(recurrenceId))
        {
            return null;
        }

        if (recurrence.Overrides.FirstOrDefault(o => o.RecurrenceId == recurrenceId) is { } changed)
        {
            return changed.Instance.State.IsPublic() || changed.Instance.State == SessionState.Cancelled
                ? RecurrenceExpander.Instance(series, changed) with { RecurrenceId = recurrenceId }
                : null;
        }

        return RecurrenceExpander.IsOccurrence(series, eventZone, recurrenceId)
            ? series with { Start = recurrenceId, End = recurrenceId + series.Duration, Recurrence = null, RecurrenceId = recurrenceId }
            : null;
    }
}
