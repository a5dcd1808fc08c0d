using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Recurring;

/// <summary>
/// Occurrences of a recurring session (RFC 5545 §3.8.5): DTSTART, every RRULE and RDATE,
/// minus EXDATE, with overridden instances (RECURRENCE-ID) in place of the ones they replace.
/// Rules are expanded on the wall clock of the series' zone, so a weekly 18:00 meeting stays at
/// 18:00 across DST changes. Bounded by <see cref="RecurrenceLimits"/>. Pure and thread-safe.
/// </summary>
public static class RecurrenceExpander
{
    /// <summary>The zone a session's rules are expanded in: its own, else the event's.</summary>
    public static DateTimeZone ZoneOf(Session session, DateTimeZone eventZone)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(eventZone);
        return session.Recurrence?.TimeZone is { } id && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone
            ? zone
            : eventZone;
    }

    /// <summary>
    /// The occurrences overlapping <paramref name="window"/>, ordered by start: each a session
    /// without <see cref="Session.Recurrence"/>, with the series' id and
    /// <see cref="Session.RecurrenceId"/> set. Overridden instances keep their own fields and
    /// state; an override in a non-public state (draft, withdrawn, ...) removes its occurrence.
    /// A one-off session is returned as it is when it overlaps the window.
    /// </summary>
    /// <param name="maxOccurrences">A lower per-session cap than the budget's, for "is there any" checks.</param>
    public static IReadOnlyList<Session> Expand(
        Session session, DateTimeZone eventZone, Interval window, ExpansionBudget? budget = null, int? maxOccurrences = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(eventZone);
        if (session.Recurrence is not { } recurrence)
        {
            return Overlaps(session.Start, session.End, window) ? [session] : [];
        }

        budget ??= new ExpansionBudget(RecurrenceLimits.Default);
        var duration = session.Duration;
        var overrides = new Dictionary<Instant, RecurrenceOverride>();
        foreach (var o in recurrence.Overrides)
        {
            overrides.TryAdd(o.RecurrenceId, o);
        }

        var occurrences = new List<Session>();
        foreach (var start in Starts(session, eventZone, window.Start - duration, window.End, budget, maxOccurrences))
        {
            if (!overrides.ContainsKey(start) && Overlaps(start, start + duration, window))
            {
                occurrences.Add(session with { Start = start, End = start + duration, Recurrence = null, RecurrenceId = start });
            }
        }

        var excluded = recurrence.ExceptionDates.ToHashSet();
        foreach (var o in overrides.Values)
        {
            var instance = o.Instance;
            if (excluded.Contains(o.RecurrenceId) || !(instance.State.IsPublic() || instance.State == SessionState.Cancelled))
            {
                continue;
            }

            if (Overlaps(instance.Start, instance.End, window))
            {
                occurrences.Add(Instance(session, o) with { RecurrenceId = o.RecurrenceId });
            }
        }

        occurrences.Sort(static (a, b) =>
        {
            var byStart = a.Start.CompareTo(b.Start);
            return byStart != 0 ? byStart : Nullable.Compare(a.RecurrenceId, b.RecurrenceId);
        });
        return occurrences;
    }

    /// <summary>
    /// An overridden occurrence as it is written: the series' id, no rule, and at least the
    /// series' revision and change time, because stores track changes per session: a change
    /// to one override bumps the series (RFC 5545 §3.8.7.4 SEQUENCE must grow).
    /// </summary>
    public static Session Instance(Session series, RecurrenceOverride recurrenceOverride)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(recurrenceOverride);
        var instance = recurrenceOverride.Instance;
        return instance with
        {
            Id = series.Id,
            Recurrence = null,
            RecurrenceId = null,
            Revision = Math.Max(series.Revision, instance.Revision),
            LastModified = instance.LastModified > series.LastModified ? instance.LastModified : series.LastModified,
        };
    }

    /// <summary>
    /// Starts of the series in [<paramref name="from"/>, <paramref name="to"/>): DTSTART, the
    /// rules and RDATE, minus EXDATE, before overrides are applied. At most
    /// <see cref="RecurrenceLimits.MaxOccurrencesPerSession"/> (the earliest), and the budget
    /// is charged for the work done.
    /// </summary>
    public static IReadOnlyList<Instant> Starts(
        Session session, DateTimeZone eventZone, Instant from, Instant to, ExpansionBudget budget, int? maxOccurrences = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(eventZone);
        ArgumentNullException.ThrowIfNull(budget);
        if (session.Recurrence is not { } recurrence)
        {
            return session.Start >= from && session.Start < to ? [session.Start] : [];
        }

        var limit = Math.Min(Math.Min(budget.Limits.MaxOccurrencesPerSession, budget.OccurrencesLeft), maxOccurrences ?? int.MaxValue);
        var steps = new StepCounter(Math.Min(budget.Limits.MaxStepsPerSession, budget.StepsLeft));
        var zone = ZoneOf(session, eventZone);
        var excluded = recurrence.ExceptionDates.ToHashSet();
        var starts = new SortedSet<Instant>();
        var truncated = false;
        void Add(Instant start)
        {
            if (start >= from && start < to && !excluded.Contains(start))
            {
                starts.Add(start);
            }
        }

        // RFC 5545 §3.8.5.3: DTSTART is always the first instance of the set.
        Add(session.Start);
        var local = session.Start.InZone(zone).LocalDateTime;
        foreach (var text in recurrence.Rules)
        {
            if (!RecurrenceRule.TryParse(text, out var rule, out _))
            {
                // Rules are validated where they enter; an invalid one adds nothing.
                continue;
            }

            var added = 0;
            foreach (var start in new RuleIterator(rule!, local, zone).Starts(from, to, steps))
            {
                if (start >= to)
                {
                    break;
                }

                var before = starts.Count;
                Add(start);
                if (starts.Count > before && ++added > limit)
                {
                    truncated = true;
                    break;
                }
            }
        }

        foreach (var date in recurrence.Dates)
        {
            Add(date);
        }

        while (starts.Count > limit)
        {
            starts.Remove(starts.Max);
            truncated = true;
        }

        budget.Spend(starts.Count, steps.Used);
        if ((truncated && maxOccurrences is null) || steps.Exhausted)
        {
            budget.Truncated = true;
        }

        return [.. starts];
    }

    /// <summary>
    /// True when <paramref name="start"/> is one of the series' starts under its rules and
    /// dates (what a RECURRENCE-ID must name), found within the default limits.
    /// </summary>
    public static bool IsOccurrence(Session session, DateTimeZone eventZone, Instant start)
    {
        ArgumentNullException.ThrowIfNull(session);
        var found = Starts(
            session with { Recurrence = session.Recurrence is { } r ? r with { ExceptionDates = [] } : null },
            eventZone, start, start + Duration.Epsilon, new ExpansionBudget(RecurrenceLimits.Default));
        return found.Count == 1;
    }

    private static bool Overlaps(Instant start, Instant end, Interval window) =>
        start < window.End && (end > window.Start || (end == start && start >= window.Start));
}
