using FeedProxy.Formats.Model;
using FeedProxy.Formats.Recurring;
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

    /// <summary>Expanded occurrences start at most this long before now.</summary>
    public Duration RecurrenceBack { get; init; } = Duration.FromDays(30);

    /// <summary>Expanded occurrences start at most this long after now.</summary>
    public Duration RecurrenceAhead { get; init; } = Duration.FromDays(180);

    /// <summary>Bounds on expanding hostile rules.</summary>
    public RecurrenceLimits RecurrenceLimits { get; init; } = RecurrenceLimits.Default;
}

/// <summary>How a selection treats recurring sessions.</summary>
public enum RecurrenceMode
{
    /// <summary>A series stays one session with its rule (iCalendar, xCal, jCal).</summary>
    Keep,

    /// <summary>
    /// Each occurrence in the recurrence window becomes its own session (RSS, Atom, the
    /// pentabarf dialect, UTC times, day filters, the page).
    /// </summary>
    Expand,
}

/// <summary>Picks and orders the sessions a public feed may show.</summary>
public static class FeedSelection
{
    /// <summary>
    /// Accepted and confirmed sessions, plus cancelled ones still inside their retention,
    /// never drafts, pending, rejected or withdrawn ones; then the window, the filter and
    /// the size budget; ordered by start, then id (ordinal), so output is deterministic.
    /// Recurring sessions are kept as series or expanded as <paramref name="mode"/> says; a
    /// day filter always expands (a series is not "on" a day, its occurrences are).
    /// </summary>
    public static IReadOnlyList<Session> Select(
        Event schedule, SelectionPolicy policy, Instant now, SessionFilter? filter = null, RecurrenceMode mode = RecurrenceMode.Keep)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(policy);
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
        if (filter is { NamesDays: true })
        {
            mode = RecurrenceMode.Expand;
        }

        var budget = new ExpansionBudget(policy.RecurrenceLimits);
        var selected = new List<Session>(schedule.Sessions.Count);
        foreach (var session in schedule.Sessions)
        {
            if (!IsVisible(session, policy, now))
            {
                continue;
            }

            if (session.Recurrence is null)
            {
                if (InWindow(session, policy, now) && (filter is null || filter.Matches(session, zone)))
                {
                    selected.Add(session);
                }
            }
            else if (mode == RecurrenceMode.Expand)
            {
                foreach (var occurrence in RecurrenceExpander.Expand(session, zone, ExpansionWindow(policy, now), budget))
                {
                    if (IsVisible(occurrence, policy, now) && (filter is null || filter.Matches(occurrence, zone)))
                    {
                        selected.Add(occurrence);
                    }
                }
            }
            else if ((filter is null || filter.Matches(session, zone)) && HasOccurrence(session, zone, policy, now, budget))
            {
                selected.Add(Prepare(session, policy, now));
            }
        }

        selected.Sort(static (a, b) =>
        {
            var byStart = a.Start.CompareTo(b.Start);
            if (byStart != 0)
            {
                return byStart;
            }

            var byId = string.CompareOrdinal(a.Id, b.Id);
            return byId != 0 ? byId : Nullable.Compare(a.RecurrenceId, b.RecurrenceId);
        });

        if (policy.MaxSessions is { } max && selected.Count > max)
        {
            selected.RemoveRange(0, selected.Count - max);
        }

        return selected;
    }

    /// <summary>
    /// Every session (recurring ones as their occurrences in the expansion window) a feed may
    /// show, before window, filter and size budget: what filters resolve against.
    /// </summary>
    public static IReadOnlyList<Session> Visible(Event schedule, SelectionPolicy policy, Instant now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Select(schedule, policy with { Window = null, MaxSessions = null }, now, filter: null, RecurrenceMode.Expand);
    }

    /// <summary>The mode a representation needs: only iCalendar-family formats in the event's zone keep rules.</summary>
    public static RecurrenceMode ModeFor(FeedFormat format, FeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keeps = format switch
        {
            FeedFormat.ICalendar or FeedFormat.JCal => true,
            FeedFormat.XCal => options.XCalDialect == XCalDialect.Rfc6321,
            _ => false,
        };
        // In UTC mode a rule would drift by an hour at every DST change: expand instead.
        return keeps && options.TimeMode == TimeMode.EventZone ? RecurrenceMode.Keep : RecurrenceMode.Expand;
    }

    /// <summary>Where occurrences are expanded: the recurrence window, narrowed by the feed window.</summary>
    public static Interval ExpansionWindow(SelectionPolicy policy, Instant now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var start = now - policy.RecurrenceBack;
        if (policy.Window is { } window && now - window > start)
        {
            start = now - window;
        }

        var end = now + policy.RecurrenceAhead;
        return new Interval(start, end > start ? end : start);
    }

    public static bool IsVisible(Session session, SelectionPolicy policy, Instant now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(policy);
        return session.State.IsPublic()
            || (session.State == SessionState.Cancelled && session.LastModified + policy.CancelledRetention >= now);
    }

    private static bool InWindow(Session session, SelectionPolicy policy, Instant now) =>
        policy.Window is not { } window || session.End >= now - window;

    /// <summary>
    /// A series is kept, like a one-off session, while it has a visible occurrence that ends
    /// inside the feed window (any occurrence at all without a window): calendars keep a
    /// finished series' history as they keep past sessions.
    /// </summary>
    private static bool HasOccurrence(Session series, DateTimeZone zone, SelectionPolicy policy, Instant now, ExpansionBudget budget)
    {
        var from = policy.Window is { } window ? now - window : series.Start;
        var span = new Interval(from, from > FarFuture ? from : FarFuture);
        return RecurrenceExpander.Expand(series, zone, span, budget, maxOccurrences: 16).Any(o => IsVisible(o, policy, now));
    }

    private static readonly Instant FarFuture = Instant.FromUtc(9000, 1, 1, 0, 0);

    /// <summary>
    /// The series as a calendar may see it: an override whose instance is not public (a
    /// draft, a withdrawn slot) or a cancellation past its retention becomes an EXDATE, so
    /// the occurrence neither reappears under the rule nor hints at what replaced it.
    /// </summary>
    private static Session Prepare(Session series, SelectionPolicy policy, Instant now)
    {
        var recurrence = series.Recurrence!;
        if (recurrence.Overrides.All(o => IsVisible(RecurrenceExpander.Instance(series, o), policy, now)))
        {
            return series;
        }

        var kept = new List<RecurrenceOverride>(recurrence.Overrides.Count);
        var excluded = new List<Instant>(recurrence.ExceptionDates);
        foreach (var o in recurrence.Overrides)
        {
            if (IsVisible(RecurrenceExpander.Instance(series, o), policy, now))
            {
                kept.Add(o);
            }
            else if (!excluded.Contains(o.RecurrenceId))
            {
                excluded.Add(o.RecurrenceId);
            }
        }

        excluded.Sort();
        return series with { Recurrence = recurrence with { Overrides = kept, ExceptionDates = excluded } };
    }
}
