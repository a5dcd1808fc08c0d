using NodaTime;

namespace FeedProxy.Formats.Upstream;

/// <summary>What the source declaration knows that an upstream document may not state.</summary>
public sealed record UpstreamReadOptions
{
    /// <summary>Id of the resulting event.</summary>
    public required string EventId { get; init; }

    /// <summary>
    /// IANA zone for floating times and date-only values when the document names none, and the
    /// event's display zone; null: the document's own, else UTC.
    /// </summary>
    public string? TimeZone { get; init; }

    /// <summary>The fetch's moment; LastModified of whatever carries no better timestamp.</summary>
    public Instant ReadAt { get; init; }

    /// <summary>Where the document came from: the base of relative links and the fallback event name.</summary>
    public Uri? SourceUrl { get; init; }
}

/// <summary>Bounds on what one upstream document may make us do (a hostile upstream must not exhaust memory or CPU).</summary>
public static class UpstreamLimits
{
    /// <summary>Items (VEVENTs, RSS items, Atom entries, sessions) per document.</summary>
    public const int MaxItems = 20_000;

    /// <summary>Nesting of iCalendar components and XML elements.</summary>
    public const int MaxDepth = 32;

    /// <summary>Characters of one decoded document (the fetcher also caps bytes).</summary>
    public const int MaxCharacters = 64 * 1024 * 1024;

    /// <summary>RRULE/RDATE/EXDATE values and overrides kept per session.</summary>
    public const int MaxRecurrenceValues = 1_000;
}
