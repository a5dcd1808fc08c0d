using System.Collections.Immutable;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using Microsoft.Extensions.Primitives;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Feeds;

/// <summary>
/// A parsed feed URL: which event, which format, which representation options and filters.
/// Parsing never touches the store; <see cref="RepresentationKey"/> is canonical (order and
/// case of query parameters do not matter) so equal requests share one cache entry.
/// </summary>
internal sealed record FeedRequest
{
    private static readonly string[] PositiveNames = ["track", "room", "speaker", "day", "type", "lang"];

    /// <summary>Positive dimensions, then their exclusions ("not.track", ...), which take the same values.</summary>
    private static readonly string[] FilterNames = [.. PositiveNames, .. PositiveNames.Select(n => ExclusionPrefix + n)];

    /// <summary>Prefix of an exclusion filter's name (<c>?not.track=Hallway</c>).</summary>
    public const string ExclusionPrefix = "not.";

    public required string EventId { get; init; }
    public required FeedFormat Format { get; init; }
    public FeedOptions Options { get; init; } = FeedOptions.Default;

    /// <summary>Filter values as given, lower-cased, per dimension (resolved against the event later).</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Filters { get; init; } =
        ImmutableSortedDictionary<string, ImmutableSortedSet<string>>.Empty;

    /// <summary>Text search (<c>?q=</c>), null without one.</summary>
    public Formats.Search.TextQuery? Search { get; init; }

    /// <summary>Set for a single-session download.</summary>
    public string? SessionId { get; init; }

    /// <summary>
    /// With <see cref="SessionId"/>: one occurrence of a recurring session, named by its
    /// RECURRENCE-ID in UTC basic format (<c>?occurrence=20270301T180000Z</c>).
    /// </summary>
    public Instant? Occurrence { get; init; }

    /// <summary>Explicit session ids of a personal agenda; ids the event no longer has simply match nothing.</summary>
    public ImmutableSortedSet<string> SessionIds { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    private static readonly InstantPattern OccurrencePattern = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    /// <summary>The filter dimensions a query string may carry, in canonical order.</summary>
    public static IReadOnlyList<string> FilterParameters => FilterNames;

    /// <summary>The request's part of its cache keys (<see cref="Rendering.CacheKeys.Join"/>): equal for requests that render the same bytes.</summary>
    public string RepresentationKey => Key(selfUrl: null, privacy: null);

    /// <summary><see cref="RepresentationKey"/> with the self URL and the private-or-not flag after it, made in one allocation.</summary>
    public string RepresentationKeyWith(string selfUrl, string privacy) => Key(selfUrl, privacy);

    private string Key(string? selfUrl, string? privacy)
    {
        ReadOnlySpan<string?> parts =
        [
            EventId, SessionId ?? string.Empty, Occurrence is { } o ? OccurrencePattern.Format(o) : string.Empty, Format.Extension(),
            Options.TimeMode.ToString(), Options.XCalDialect.ToString(), Options.Profile.ToString(), Options.AlarmKey,
            // Most requests have neither: no enumerator or join is made for them.
            Filters.IsEmpty ? string.Empty : string.Join('&', Filters.Select(f => f.Key + "=" + string.Join(',', f.Value))),
            Search?.Key ?? string.Empty,
            SessionIds.IsEmpty ? string.Empty : string.Join(',', SessionIds),
            selfUrl, privacy,
        ];
        return Rendering.CacheKeys.Join(selfUrl is null ? parts[..^2] : parts);
    }

    /// <summary>Parses "{id}.{ext}" and the query string; returns a problem detail message on failure.</summary>
    public static bool TryParse(string fileName, IQueryCollection query, string? sessionId, out FeedRequest? request, out string? error)
    {
        request = null;
        var dot = fileName.LastIndexOf('.');
        var id = dot > 0 ? fileName[..dot] : fileName;
        if (!ScheduleId.IsValid(id) || (sessionId is not null && !ScheduleId.IsValid(sessionId)))
        {
            error = "The id is not valid: ids are 1-128 letters, digits, '.', '_' or '-'.";
            return false;
        }

        if (dot <= 0 || !FeedFormats.TryFromExtension(fileName[(dot + 1)..], out var format))
        {
            error = null; // unknown extension: not found, not a bad request
            return false;
        }

        var options = FeedOptions.Default;
        if (Single(query, "tz") is { } tz)
        {
            if (tz.Equals("utc", StringComparison.OrdinalIgnoreCase)) { options = options with { TimeMode = TimeMode.Utc }; }
            else if (!tz.Equals("local", StringComparison.OrdinalIgnoreCase)) { error = "Query parameter 'tz' must be 'utc' or 'local'."; return false; }
        }

        if (Single(query, "dialect") is { } dialect)
        {
            if (format != FeedFormat.XCal) { error = "Query parameter 'dialect' applies to .xcs only."; return false; }
            if (dialect.Equals("pentabarf", StringComparison.OrdinalIgnoreCase)) { options = options with { XCalDialect = XCalDialect.Pentabarf }; }
            else if (!dialect.Equals("rfc6321", StringComparison.OrdinalIgnoreCase)) { error = "Query parameter 'dialect' must be 'rfc6321' or 'pentabarf'."; return false; }
        }

        if (Single(query, "profile") is { } profile)
        {
            if (format is not (FeedFormat.Rss or FeedFormat.Atom)) { error = "Query parameter 'profile' applies to .rss and .atom only."; return false; }
            if (profile.Equals("campus", StringComparison.OrdinalIgnoreCase)) { options = options with { Profile = SyndicationProfile.Campus }; }
            else if (!profile.Equals("standard", StringComparison.OrdinalIgnoreCase)) { error = "Query parameter 'profile' must be 'standard' or 'campus'."; return false; }
        }

        if (query.TryGetValue("alarm", out var alarmValues) && !TryParseAlarms(alarmValues, format, options, out options, out error))
        {
            return false;
        }

        Formats.Search.TextQuery? search = null;
        if (query.TryGetValue("q", out var searchValues) && searchValues.Count > 0)
        {
            if (searchValues.Count > 1)
            {
                error = "Query parameter 'q' may be given once.";
                return false;
            }

            if (!Formats.Search.TextQuery.TryParse(searchValues[0], out search, out error))
            {
                return false;
            }
        }

        Instant? occurrence = null;
        if (Single(query, "occurrence") is { } occurrenceText)
        {
            if (sessionId is null) { error = "Query parameter 'occurrence' applies to a single session's URL only."; return false; }
            if (!OccurrencePattern.Parse(occurrenceText).TryGetValue(Instant.MinValue, out var parsed) || !ScheduleRange.Contains(parsed))
            {
                error = "Query parameter 'occurrence' must be the occurrence's start in UTC basic format, e.g. 20270301T180000Z.";
                return false;
            }

            occurrence = parsed;
        }

        var filters = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);
        foreach (var name in FilterNames)
        {
            if (query.TryGetValue(name, out var values))
            {
                var set = Values(values);
                if (set.Any(v => v.Length > 200))
                {
                    error = $"Query parameter '{name}' has a value longer than 200 characters.";
                    return false;
                }

                if (!set.IsEmpty)
                {
                    filters[name] = set;
                }
            }
        }

        request = new FeedRequest { EventId = id, Format = format, Options = options, Filters = filters.ToImmutable(), Search = search, SessionId = sessionId, Occurrence = occurrence };
        error = null;
        return true;
    }

    /// <summary>
    /// Resolves filter values against the sessions a feed may show (<paramref name="visible"/>):
    /// tracks and rooms by id or name, speakers by id or name, types, languages and days that
    /// occur in them (case-insensitive). A value known only from drafts, rejected or withdrawn
    /// sessions is as unknown as a made-up one, so the answer does not hint at them, and an
    /// arbitrary value never becomes a cache entry.
    /// </summary>
    public SessionFilter? ResolveFilter(Event schedule, IReadOnlyCollection<Session> visible, out string? error)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(visible);
        error = null;
        if (Filters.Count == 0 && Search is null && SessionId is null && SessionIds.IsEmpty)
        {
            return null;
        }

        var filter = new SessionFilter { Search = Search };
        var excluded = new SessionFilter();
        if (SessionId is not null)
        {
            filter = filter with { SessionIds = [SessionId] };
        }
        else if (!SessionIds.IsEmpty)
        {
            filter = filter with { SessionIds = SessionIds };
        }

        var zone = NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
        foreach (var (key, values) in Filters)
        {
            var isExclusion = key.StartsWith(ExclusionPrefix, StringComparison.Ordinal);
            var name = isExclusion ? key[ExclusionPrefix.Length..] : key;
            var resolved = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
            var days = ImmutableSortedSet.CreateBuilder<LocalDate>();
            foreach (var value in values)
            {
                string? match = name switch
                {
                    "track" => visible.Select(s => s.Track).FirstOrDefault(t => t is not null && (Is(t.Id, value) || Is(t.Name, value) || Is(Slug.From(t.Name), value)))?.Id,
                    "room" => visible.Select(s => s.Room).FirstOrDefault(r => r is not null && (Is(r.Id, value) || Is(r.Name, value) || Is(Slug.From(r.Name), value)))?.Id,
                    "speaker" => visible.SelectMany(s => s.Speakers).FirstOrDefault(s => Is(s.Id, value) || Is(s.Name, value))?.Id,
                    "type" => visible.Select(s => s.Type).FirstOrDefault(t => t is not null && (Is(t, value) || Is(Slug.From(t), value)))?.ToUpperInvariant(),
                    "lang" => visible.Any(s => s.Language is { } l && SessionFilter.LanguageParts(l).Any(part => Is(part, value))) ? value.ToUpperInvariant() : null,
                    "day" => LocalDatePattern.Iso.Parse(value) is { Success: true } day
                        && visible.Any(s => s.Start.InZone(zone).Date == day.Value) ? value : null,
                    _ => null,
                };
                if (match is null)
                {
                    error = name == "day"
                        ? $"Unknown day '{value}' in '{key}': use yyyy-MM-dd, a day with sessions in event '{schedule.Id}'."
                        : $"Unknown {name} '{value}' in '{key}' of event '{schedule.Id}'.";
                    return null;
                }

                resolved.Add(match);
                if (name == "day")
                {
                    days.Add(LocalDatePattern.Iso.Parse(match).Value);
                }
            }

            var target = isExclusion ? excluded : filter;
            target = name switch
            {
                "track" => target with { Tracks = resolved.ToImmutable() },
                "room" => target with { Rooms = resolved.ToImmutable() },
                "speaker" => target with { Speakers = resolved.ToImmutable() },
                "type" => target with { Types = resolved.ToImmutable() },
                "lang" => target with { Languages = resolved.ToImmutable() },
                "day" => target with { Days = days.ToImmutable() },
                _ => target,
            };
            if (isExclusion) { excluded = target; } else { filter = target; }
        }

        return excluded.IsEmpty ? filter : filter with { Excluded = excluded };
    }

    /// <summary>Human description of the active filters for feed titles ("track: Security").</summary>
    public string? DescribeFilters()
    {
        var parts = Filters.Select(f => (f.Key.StartsWith(ExclusionPrefix, StringComparison.Ordinal) ? "not " + f.Key[ExclusionPrefix.Length..] : f.Key) + ": " + string.Join(", ", f.Value));
        if (Search is not null)
        {
            parts = parts.Append("search: " + Search.Key);
        }

        if (!SessionIds.IsEmpty)
        {
            parts = parts.Prepend("personal agenda");
        }

        var text = string.Join("; ", parts);
        return text.Length == 0 ? null : text;
    }

    /// <summary>
    /// <c>?alarm=-PT15M</c> (repeatable or a comma list, at most <see cref="Formats.Reminders.Reminder.MaxAlarms"/>),
    /// or <c>none</c>: reminders exist only where VALARM does (iCalendar, RFC 6321 xCal, jCal).
    /// </summary>
    private static bool TryParseAlarms(StringValues values, FeedFormat format, FeedOptions options, out FeedOptions result, out string? error)
    {
        result = options;
        error = null;
        var texts = values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (texts.Count == 0)
        {
            return true;
        }

        if (texts.Any(t => t.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            if (texts.Count > 1)
            {
                error = "Query parameter 'alarm' is either 'none' or up to 3 durations, not both.";
                return false;
            }

            return true;
        }

        if (format is FeedFormat.Rss or FeedFormat.Atom || (format == FeedFormat.XCal && options.XCalDialect == XCalDialect.Pentabarf))
        {
            error = "Query parameter 'alarm' applies to .ics, .json and RFC 6321 .xcs only.";
            return false;
        }

        var alarms = new SortedSet<Duration>();
        foreach (var text in texts)
        {
            if (!Formats.Reminders.Reminder.TryParse(text, out var offset))
            {
                error = $"Query parameter 'alarm' must be an RFC 5545 duration of at most 4 weeks relative to the start, such as -PT15M or -P1D (or 'none'); '{Truncate(text)}' is not.";
                return false;
            }

            alarms.Add(offset);
        }

        if (alarms.Count > Formats.Reminders.Reminder.MaxAlarms)
        {
            error = $"Query parameter 'alarm' may name at most {Formats.Reminders.Reminder.MaxAlarms} reminders.";
            return false;
        }

        result = options with { Alarms = [.. alarms] };
        return true;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[^1]) ? values[^1]!.Trim() : null;

    // Repeatable parameters, also as comma lists: ?track=a&track=b or ?track=a,b.
    private static ImmutableSortedSet<string> Values(StringValues values) =>
        values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.ToLowerInvariant())
            .ToImmutableSortedSet(StringComparer.Ordinal);
}
