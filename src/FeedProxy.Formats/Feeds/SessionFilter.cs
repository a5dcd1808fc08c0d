using System.Collections.Immutable;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Feeds;

/// <summary>
/// Subscriber-chosen subset of a schedule. Values within one dimension are alternatives
/// (OR); dimensions combine with AND. Values are canonical: track and room ids, speaker
/// ids, ISO dates (yyyy-MM-dd, in the event's zone), type and language in upper case.
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

    public bool IsEmpty =>
        Tracks.IsEmpty && Rooms.IsEmpty && Speakers.IsEmpty && Days.IsEmpty
        && Types.IsEmpty && Languages.IsEmpty && SessionIds.IsEmpty;

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
            && (Languages.IsEmpty || (session.Language is { } l && MatchesLanguage(l)));
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
            Join("type", Types), Join("lang", Languages), Join("session", SessionIds));
    }
}
