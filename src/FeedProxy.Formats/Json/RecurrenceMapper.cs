using System.Globalization;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Recurring;
using NodaTime;

namespace FeedProxy.Formats.Json;

/// <summary>
/// Validates a session's recurrence: rules per RFC 5545 §3.3.10 (stored in canonical form),
/// dates, and overrides, each of which must name a start the series actually has (a
/// RECURRENCE-ID that matches nothing is ignored or misread by clients).
/// </summary>
/// <param name="budget">
/// One budget for the whole document: checking overrides against their rules costs a bounded
/// amount of work however many hostile series a document holds.
/// </param>
internal sealed class RecurrenceMapper(SessionMapper sessions, DateTimeZone eventZone, ExpansionBudget budget, ValidationErrors errors)
{
    /// <returns>The series with its recurrence, or null when any part of it is invalid.</returns>
    public Session? Map(Session series, SessionJson json, RecurrenceJson recurrence, string path, DateTimeZone seriesZone)
    {
        var ok = true;
        string? zoneId = null;
        if (recurrence.TimeZone is { } tz)
        {
            zoneId = tz.Trim();
            if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is null) { errors.Add($"{path}.timeZone", "Must be an IANA time zone id such as 'Europe/Brussels'."); ok = false; }
        }

        var rules = new List<string>();
        var ruleTexts = recurrence.Rules ?? [];
        if (ruleTexts.Count > Recurrence.MaxRules) { errors.Add($"{path}.rules", $"At most {Recurrence.MaxRules} rules."); ok = false; }
        for (var i = 0; i < Math.Min(ruleTexts.Count, Recurrence.MaxRules); i++)
        {
            if (RecurrenceRule.TryParse(ruleTexts[i], out var rule, out var problem)) { rules.Add(rule!.ToString()); }
            else { errors.Add($"{path}.rules[{i}]", problem!); ok = false; }
        }

        var dates = Instants(recurrence.Dates, $"{path}.dates", seriesZone, ref ok);
        var exceptionDates = Instants(recurrence.ExceptionDates, $"{path}.exceptionDates", seriesZone, ref ok);
        if (rules.Count == 0 && dates.Count == 0 && ok)
        {
            errors.Add($"{path}.rules", "A recurrence needs at least one rule or date.");
            ok = false;
        }

        var model = new Recurrence { Rules = rules, Dates = dates, ExceptionDates = exceptionDates, TimeZone = zoneId };
        var withRule = series with { Recurrence = model };
        var overrideTexts = recurrence.Overrides ?? [];
        if (overrideTexts.Count > Recurrence.MaxItems) { errors.Add($"{path}.overrides", $"At most {Recurrence.MaxItems} overrides."); return null; }
        var overrides = Overrides(withRule, json, overrideTexts, path, seriesZone, ref ok);
        return ok ? withRule with { Recurrence = model with { Overrides = [.. overrides.OrderBy(o => o.RecurrenceId)] } } : null;
    }

    private List<Instant> Instants(List<string>? texts, string field, DateTimeZone seriesZone, ref bool ok)
    {
        if (texts is null)
        {
            return [];
        }

        if (texts.Count > Recurrence.MaxItems) { errors.Add(field, $"At most {Recurrence.MaxItems} entries."); ok = false; return []; }
        var list = new SortedSet<Instant>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (IsoInstant.Parse(texts[i], seriesZone, $"{field}[{i}]", errors.Sink) is { } instant) { list.Add(instant); }
            else { ok = false; }
        }

        return [.. list];
    }

    private List<RecurrenceOverride> Overrides(Session series, SessionJson json, List<SessionJson> overrideTexts, string path, DateTimeZone seriesZone, ref bool ok)
    {
        var overrides = new List<RecurrenceOverride>();
        var seen = new HashSet<Instant>();
        HashSet<Instant>? starts = null;
        for (var i = 0; i < overrideTexts.Count; i++)
        {
            var o = overrideTexts[i];
            var itemPath = $"{path}.overrides[{i}]";
            if (o.Id is not null && o.Id != series.Id) { errors.Add($"{itemPath}.id", "Must be left out or equal the series' id."); ok = false; }
            if (o.Recurrence is not null) { errors.Add($"{itemPath}.recurrence", "An override does not recur."); ok = false; }
            if (IsoInstant.Parse(o.RecurrenceId, seriesZone, $"{itemPath}.recurrenceId", errors.Sink) is not { } recurrenceId)
            {
                if (o.RecurrenceId is null) { errors.Add($"{itemPath}.recurrenceId", "Required: the start this occurrence has under the rule."); }
                ok = false;
                continue;
            }

            if (!seen.Add(recurrenceId)) { errors.Add($"{itemPath}.recurrenceId", "Duplicate override of the same occurrence."); ok = false; continue; }
            starts ??= SeriesStarts(series, overrideTexts, seriesZone);
            if (ok && !starts.Contains(recurrenceId))
            {
                errors.Add($"{itemPath}.recurrenceId", "Is not a start of the series (or lies beyond the expansion limits).");
                ok = false;
                continue;
            }

            if (sessions.Map(Merge(series, json, o), itemPath, seriesZone) is { } instance)
            {
                overrides.Add(new RecurrenceOverride { RecurrenceId = recurrenceId, Instance = instance });
            }
            else
            {
                ok = false;
            }
        }

        return overrides;
    }

    /// <summary>An override with the fields it leaves out taken from its series (its length, too).</summary>
    private static SessionJson Merge(Session series, SessionJson json, SessionJson o) => new()
    {
        Id = series.Id,
        Title = o.Title ?? json.Title,
        Subtitle = o.Subtitle ?? json.Subtitle,
        Abstract = o.Abstract ?? json.Abstract,
        Start = o.Start ?? o.RecurrenceId,
        End = o.End,
        Duration = o.End is null && o.Duration is null
            ? string.Create(CultureInfo.InvariantCulture, $"PT{(long)series.Duration.TotalSeconds}S")
            : o.Duration,
        State = o.State ?? json.State,
        Track = o.Track ?? json.Track,
        Room = o.Room ?? json.Room,
        Type = o.Type ?? json.Type,
        Language = o.Language ?? json.Language,
        Url = o.Url ?? json.Url,
        Image = o.Image ?? json.Image,
        StreamUrl = o.StreamUrl ?? json.StreamUrl,
        VideoUrl = o.VideoUrl ?? json.VideoUrl,
        SlidesUrl = o.SlidesUrl ?? json.SlidesUrl,
        Speakers = o.Speakers ?? json.Speakers,
        LastModified = o.LastModified ?? json.LastModified,
        Revision = o.Revision ?? json.Revision,
    };

    /// <summary>
    /// The series' starts (rules and dates, exception dates ignored) from the earliest to the
    /// latest recurrenceId its overrides name: one expansion for all of them.
    /// </summary>
    private HashSet<Instant> SeriesStarts(Session series, List<SessionJson> overrides, DateTimeZone seriesZone)
    {
        var ids = overrides
            .Select(o => IsoInstant.Parse(o.RecurrenceId, seriesZone, string.Empty, static (_, _) => { }))
            .OfType<Instant>()
            .ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var rule = series with { Recurrence = series.Recurrence! with { ExceptionDates = [] } };
        return [.. RecurrenceExpander.Starts(rule, eventZone, ids.Min(), ids.Max() + Duration.Epsilon, budget)];
    }
}
