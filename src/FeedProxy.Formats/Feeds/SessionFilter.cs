using System.Collections.Immutable;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Feeds;

/// <summary>
/// Subscriber-chosen subset of a schedule. Values within one dimension are alternatives
/// (OR); dimensions combine with AND. Values are canonical: track and room ids, speaker
/// ids, ISO dates (yyyy-MM-dd, in the event's zone), type and language in upper case.
/// <see cref="Excluded"/> removes every session matching any of its dimensions
/// (<c>?not.track=</c>...), and <see cref="Search"/> keeps only sessions containing every
/// word searched for: a feed with an exclusion or a search is exactly the subset of the same
/// feed without it.
/// </summary>
public sealed record SessionFilter
{
    public ImmutableSortedSet<string> Tracks { get; init; } = [];
    public ImmutableSortedSet<string> Rooms { get; init; } = [];
    public ImmutableSortedSet<string> Speakers { get; init; } = [];
    public ImmutableSortedSet<LocalDate> Days { get; init; } = [];
    public ImmutableSortedSet<string> Types { get; init; } = [];
    public ImmutableSortedSet<string> Languages { get; init; } = [];
    /// <summary>Explicit session ids (personal agenda).</summary>
    public ImmutableSortedSet<string> SessionIds { get; init; } = [];

    /// <summary>Sessions matching any dimension of this are left out (values as above, no session ids).</summary>
    public SessionFilter? Excluded { get; init; }

    /// <summary>Text every kept session must contain (<c>?q=</c>).</summary>
    public Search.TextQuery? Search { get; init; }

    public bool IsEmpty =>
        Tracks.IsEmpty && Rooms.IsEmpty && Speakers.IsEmpty && Days.IsEmpty
        && Types.IsEmpty && Languages.IsEmpty && SessionIds.IsEmpty
        && (Excluded is null || Excluded.IsEmpty) && Search is null;

    /// <summary>True when a day (positive or excluded) is part of the filter: series are then expanded into occurrences.</summary>
    public bool NamesDays => !Days.IsEmpty || Excluded is { Days.IsEmpty: false };

    public bool Matches(Session session, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(zone);
        return (SessionIds.IsEmpty || SessionIds.Contains(session.Id))
            && (Tracks.IsEmpty || (session.Track is { } t && Tracks.Contains(t.Id)))
            && (Rooms.IsEmpty || (session.Room is { } r && Rooms.Contains(r.Id)))
            && (Speakers.IsEmpty || session.Speakers.Any(s => Speakers.Contains(s.Id)))
            && (Days.IsEmpty || Days.Contains(session.Start.InZone(zone).Date))
            && (Types.IsEmpty || (session.Type is { } ty && Types.Contains(ty.ToUpperInvariant())))
            && (Languages.IsEmpty || (session.Language is { } l && MatchesLanguage(l)))
            && (Excluded is null || !Excluded.MatchesAny(session, zone))
            && (Search is null || Search.Matches(session));
    }

    /// <summary>True when the session matches at least one value of any non-empty dimension (how exclusions apply).</summary>
    public bool MatchesAny(Session session, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(zone);
        return (!Tracks.IsEmpty && session.Track is { } t && Tracks.Contains(t.Id))
            || (!Rooms.IsEmpty && session.Room is { } r && Rooms.Contains(r.Id))
            || (!Speakers.IsEmpty && session.Speakers.Any(s => Speakers.Contains(s.Id)))
            || (!Days.IsEmpty && Days.Contains(session.Start.InZone(zone).Date))
            || (!Types.IsEmpty && session.Type is { } ty && Types.Contains(ty.ToUpperInvariant()))
            || (!Languages.IsEmpty && session.Language is { } l && MatchesLanguage(l));
    }

    // Sources give "en", "de, en" or "English": any listed language matches.
    private bool MatchesLanguage(string language) =>
        LanguageParts(language).Any(part => Languages.Contains(part.ToUpperInvariant()));

    /// <summary>The languages a session's language text names ("de, en" -> "de", "en").</summary>
    public static string[] LanguageParts(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        return language.Split([',', '/', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Canonical, order-independent text of the filter, for cache keys.</summary>
    public string CanonicalKey()
    {
        if (IsEmpty)
        {
            return string.Empty;
        }

        static string Join(string name, IEnumerable<string> values) =>
            name + "=" + string.Join(',', values.Select(Uri.EscapeDataString));

        return string.Join('&',
            Join("track", Tracks), Join("room", Rooms), Join("speaker", Speakers),
            Join("day", Days.Select(d => d.ToString("yyyy-MM-dd", null))),
            Join("type", Types), Join("lang", Languages), Join("session", SessionIds),
            "not=" + (Excluded?.CanonicalKey() ?? string.Empty), "q=" + Uri.EscapeDataString(Search?.Key ?? string.Empty));
    }
}
