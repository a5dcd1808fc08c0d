using System.Globalization;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Recurring;
using NodaTime;

namespace FeedProxy.Formats.Upstream;

/// <summary>
/// Checks the recurrence of sessions read from an upstream with the rules the JSON mapper
/// applies to every other way in (RFC 5545 §3.3.10 rules in canonical form, at most
/// <see cref="Recurrence.MaxRules"/> rules and <see cref="Recurrence.MaxItems"/>
/// dates and overrides, instants in the supported range, RECURRENCE-IDs that name a start of
/// the series), expanding within the mapper's limits so a hostile rule costs bounded work. What
/// the mapper would refuse is taken out of that one session, never the whole schedule, and
/// named in the problems, which the refresher shows in the source's status: a rule nobody can
/// read is reported where the operator looks, not dropped later by a writer. Pure.
/// </summary>
public static class UpstreamRecurrence
{
    /// <summary>Problems reported per refresh; the rest are counted.</summary>
    public const int MaxReported = 20;

    public static Event Check(Event schedule, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var found = new List<string>();
        if (!schedule.Sessions.Any(s => s.Recurrence is not null))
        {
            problems = found;
            return schedule;
        }

        var eventZone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
        var budget = new ExpansionBudget(RecurrenceLimits.Validation);
        var sessions = schedule.Sessions.Select(s => s.Recurrence is null ? s : CheckSession(s, eventZone, budget, found)).ToList();
        problems = found.Count <= MaxReported
            ? found
            : [.. found.Take(MaxReported), string.Create(CultureInfo.InvariantCulture, $"… and {found.Count - MaxReported} more.")];
        return schedule with { Sessions = sessions };
    }

    private static Session CheckSession(Session series, DateTimeZone eventZone, ExpansionBudget budget, List<string> problems)
    {
        var recurrence = series.Recurrence!;
        var label = $"Session '{Short(series.Title, 60)}' ({Short(series.Id, 60)})";
        var rules = new List<string>();
        for (var i = 0; i < recurrence.Rules.Count; i++)
        {
            if (rules.Count == Recurrence.MaxRules)
            {
                problems.Add($"{label}: more than {Recurrence.MaxRules} RRULEs; the others are ignored.");
                break;
            }

            if (RecurrenceRule.TryParse(recurrence.Rules[i], out var rule, out var error))
            {
                rules.Add(rule!.ToString());
            }
            else
            {
                problems.Add($"{label}: RRULE '{Short(recurrence.Rules[i], 120)}' rejected: {error}");
            }
        }

        var dates = InRange(recurrence.Dates, "RDATE", label, problems);
        var exceptionDates = InRange(recurrence.ExceptionDates, "EXDATE", label, problems);
        var zone = recurrence.TimeZone;
        if (zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
        {
            problems.Add($"{label}: the recurrence's time zone '{Short(zone, 60)}' is not an IANA zone; the event's zone is used.");
            zone = null;
        }

        if (rules.Count == 0 && dates.Count == 0)
        {
            var ignored = recurrence.Overrides.Count == 0 ? string.Empty : $" and its {recurrence.Overrides.Count} changed occurrences are ignored";
            problems.Add($"{label}: no readable RRULE or RDATE is left; it is served as a single session{ignored}.");
            return series with { Recurrence = null };
        }

        var checkedRecurrence = recurrence with { Rules = rules, Dates = dates, ExceptionDates = exceptionDates, TimeZone = zone, Overrides = [] };
        var overrides = Overrides(series with { Recurrence = checkedRecurrence }, recurrence.Overrides, eventZone, budget, label, problems);
        return series with { Recurrence = checkedRecurrence with { Overrides = overrides } };
    }

    /// <summary>Overrides whose RECURRENCE-ID is a start of the series, found as the mapper finds them (one expansion from the earliest to the latest id).</summary>
    private static List<RecurrenceOverride> Overrides(
        Session series, IReadOnlyList<RecurrenceOverride> given, DateTimeZone eventZone, ExpansionBudget budget, string label, List<string> problems)
    {
        var candidates = new List<RecurrenceOverride>();
        var seen = new HashSet<Instant>();
        foreach (var o in given.OrderBy(o => o.RecurrenceId))
        {
            if (candidates.Count == Recurrence.MaxItems)
            {
                problems.Add($"{label}: more than {Recurrence.MaxItems} changed occurrences; the later ones are ignored.");
                break;
            }

            if (!ScheduleRange.Contains(o.RecurrenceId) || !seen.Add(o.RecurrenceId))
            {
                problems.Add($"{label}: the changed occurrence of {Format(o.RecurrenceId)} is out of range or given twice; ignored.");
                continue;
            }

            candidates.Add(o);
        }

        if (candidates.Count == 0)
        {
            return candidates;
        }

        var unexcepted = series with { Recurrence = series.Recurrence! with { ExceptionDates = [] } };
        var starts = RecurrenceExpander.Starts(unexcepted, eventZone, candidates[0].RecurrenceId, candidates[^1].RecurrenceId + Duration.Epsilon, budget).ToHashSet();
        var kept = new List<RecurrenceOverride>(candidates.Count);
        foreach (var o in candidates)
        {
            if (starts.Contains(o.RecurrenceId))
            {
                kept.Add(o);
            }
            else
            {
                problems.Add($"{label}: the changed occurrence (RECURRENCE-ID) of {Format(o.RecurrenceId)} is not a start of the series (or lies beyond the expansion limits); ignored.");
            }
        }

        return kept;
    }

    private static List<Instant> InRange(IReadOnlyList<Instant> instants, string name, string label, List<string> problems)
    {
        var kept = instants.Where(ScheduleRange.Contains).Distinct().Order().ToList();
        if (kept.Count < instants.Distinct().Count())
        {
            problems.Add($"{label}: {name} values outside 1900-2199 are ignored.");
        }

        if (kept.Count > Recurrence.MaxItems)
        {
            problems.Add($"{label}: more than {Recurrence.MaxItems} {name} values; the later ones are ignored.");
            kept.RemoveRange(Recurrence.MaxItems, kept.Count - Recurrence.MaxItems);
        }

        return kept;
    }

    private static string Format(Instant instant) => NodaTime.Text.InstantPattern.General.Format(instant);

    private static string Short(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
