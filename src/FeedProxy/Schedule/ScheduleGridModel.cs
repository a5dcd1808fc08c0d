using NodaTime;

namespace FeedProxy.Schedule;

/// <summary>One session as the grid shows it; public data only.</summary>
/// <param name="Key">Unique within the page (session id, plus the occurrence for a recurring one): the details' fragment id.</param>
/// <param name="CalendarUrl">The single-session .ics download ("add to calendar").</param>
internal sealed record GridSession(
    string Key,
    string Title,
    Instant Start,
    Instant End,
    string? Room,
    string? Track,
    string? Color,
    bool Cancelled,
    IReadOnlyList<string> Speakers,
    string? Abstract,
    string? Type,
    string CalendarUrl);

/// <summary>Everything the schedule grid (and its embed) shows.</summary>
internal sealed record ScheduleGridModel
{
    public required string Title { get; init; }

    public required DateTimeZone Zone { get; init; }

    /// <summary>The selected sessions of every day (filters and search applied), ordered by start.</summary>
    public required IReadOnlyList<GridSession> Sessions { get; init; }

    /// <summary>Rooms in the order their columns appear.</summary>
    public required IReadOnlyList<string> Rooms { get; init; }

    /// <summary>Days with sessions, for the day switcher.</summary>
    public required IReadOnlyList<LocalDate> Days { get; init; }

    public required LocalDate Day { get; init; }

    public required Instant Now { get; init; }

    /// <summary>Path (with path base) of this view, the target of the day links and the search form.</summary>
    public required string PagePath { get; init; }

    /// <summary>Query pairs that stay when the day or the search changes (filters, theme, accent).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> KeptQuery { get; init; }

    /// <summary>The search as typed, or null.</summary>
    public string? Search { get; init; }

    /// <summary>The calendar's .json feed, polled with HEAD and If-None-Match to notice changes.</summary>
    public required string PollPath { get; init; }

    /// <summary>The calendar's subscribe page.</summary>
    public required string SubscribePath { get; init; }

    /// <summary>Absolute URL of the embed view, for the copy-paste snippet.</summary>
    public required string EmbedUrl { get; init; }

    public bool IsEmbed { get; init; }

    public EmbedTheme Theme { get; init; } = EmbedTheme.Default;
}
