using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Feeds;

/// <summary>Server-side rules for which sessions a feed may contain.</summary>
public sealed record SelectionPolicy
{
    /// <summary>How long a cancelled session stays in feeds (as STATUS:CANCELLED) after its last change.</summary>
    public Duration CancelledRetention { get; init; } = Duration.FromDays(30);

    /// <summary>
    /// Only sessions that end after now minus this are written (keeps large schedules under
    /// Google's ~1 MB limit). Null: no window.
    /// </summary>
    public Duration? Window { get; init; }

    /// <summary>At most this many sessions (the latest ones are kept). Null: no limit.</summary>
    public int? MaxSessions { get; init; }
}

/// <summary>Picks and orders the sessions a public feed may show.</summary>
public static class FeedSelection
{
    /// <summary>
    /// Accepted and confirmed sessions, plus cancelled ones still inside their retention,
    /// never drafts, pending, rejected or withdrawn ones; then the window, the filter and
    /// the size budget; ordered by start, then id (ordinal), so output is deterministic.
    /// </summary>
    public static IReadOnlyList<Session> Select(
        Event schedule, SelectionPolicy policy, Instant now, SessionFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(policy);
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
        var selected = new List<Session>(schedule.Sessions.Count);
        foreach (var session in schedule.Sessions)
        {
            if (!IsVisible(session, policy, now))
            {
                continue;
            }

            if (policy.Window is { } window && session.End < now - window)
            {
                continue;
            }

            if (filter is not null && !filter.Matches(session, zone))
            {
                continue;
            }

            selected.Add(session);
        }

        selected.Sort(static (a, b) =>
        {
            var byStart = a.Start.CompareTo(b.Start);
            return byStart != 0 ? byStart : string.CompareOrdinal(a.Id, b.Id);
        });

        if (policy.MaxSessions is { } max && selected.Count > max)
        {
            selected.RemoveRange(0, selected.Count - max);
        }

        return selected;
    }

    /// <summary>Every session a feed may show, before window, filter and size budget: what filters resolve against.</summary>
    public static IReadOnlyList<Session> Visible(Event schedule, SelectionPolicy policy, Instant now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.Sessions.Where(s => IsVisible(s, policy, now)).ToList();
    }

    public static bool IsVisible(Session session, SelectionPolicy policy, Instant now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(policy);
        return session.State.IsPublic()
            || (session.State == SessionState.Cancelled && session.LastModified + policy.CancelledRetention >= now);
    }
}
