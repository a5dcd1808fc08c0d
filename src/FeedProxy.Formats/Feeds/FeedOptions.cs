namespace FeedProxy.Formats.Feeds;

/// <summary>How times are written in calendar formats.</summary>
public enum TimeMode
{
    /// <summary>Local times with TZID and a full VTIMEZONE for the event's zone.</summary>
    EventZone,
    /// <summary>UTC times ("Z"), no VTIMEZONE (<c>?tz=utc</c>).</summary>
    Utc,
}

/// <summary>Which xCal vocabulary to write.</summary>
public enum XCalDialect
{
    /// <summary>RFC 6321 (urn:ietf:params:xml:ns:icalendar-2.0).</summary>
    Rfc6321,
    /// <summary>The conference tools' older xCal that Giggity reads (<c>?dialect=pentabarf</c>).</summary>
    Pentabarf,
}

/// <summary>Item shape of RSS and Atom.</summary>
public enum SyndicationProfile
{
    /// <summary>Strictly valid RSS 2.0 / Atom with the RSS event module.</summary>
    Standard,
    /// <summary>The campus app integration shape (un-namespaced endDate and image; <c>?profile=campus</c>).</summary>
    Campus,
}

/// <summary>Representation choices made by the request; part of the cache key.</summary>
public sealed record FeedOptions
{
    public static FeedOptions Default { get; } = new();

    public TimeMode TimeMode { get; init; } = TimeMode.EventZone;
    public XCalDialect XCalDialect { get; init; } = XCalDialect.Rfc6321;
    public SyndicationProfile Profile { get; init; } = SyndicationProfile.Standard;

    /// <summary>
    /// Reminder offsets from each session's start (<c>?alarm=-PT15M</c>), distinct and sorted,
    /// at most <see cref="Reminders.Reminder.MaxAlarms"/>; each becomes a VALARM in iCalendar,
    /// xCal and jCal. Empty: no reminders (<c>?alarm=none</c>).
    /// </summary>
    public IReadOnlyList<NodaTime.Duration> Alarms { get; init; } = [];

    /// <summary>Canonical text of <see cref="Alarms"/> for cache keys and URLs ("-PT1H,-PT10M"); empty without alarms.</summary>
    public string AlarmKey => string.Join(',', Alarms.Select(Reminders.Reminder.Format));
}
