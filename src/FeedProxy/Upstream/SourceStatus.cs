using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>What the last refreshes of a source did; the admin GET shows it.</summary>
public sealed record SourceStatus
{
    public Instant? LastAttempt { get; init; }
    public Instant? LastSuccess { get; init; }
    /// <summary>Last refresh that changed the stored schedule.</summary>
    public Instant? LastChange { get; init; }
    public string? LastError { get; init; }
    /// <summary>"200" (new body), "unchanged" (200 with the same bytes), "304", or "error".</summary>
    public string? LastResult { get; init; }
    /// <summary>
    /// Upstream validators, sent back as If-None-Match and If-Modified-Since. A paged source
    /// (Open Event) keeps one pair per request in <see cref="ETag"/> (<see cref="RequestValidators"/>).
    /// </summary>
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>SHA-256 of the definition and the last good body: identical bytes are not parsed again.</summary>
    public string? BodyHash { get; init; }
    public int Failures { get; init; }
    public Instant? NextDue { get; init; }

    /// <summary>
    /// What the last good body had that could not be served as it was (a rejected RRULE, a
    /// RECURRENCE-ID that names no occurrence), one line each; null when nothing. The rest of
    /// the schedule is live.
    /// </summary>
    public string? Warnings { get; init; }

    /// <summary>Bumped when the definition changes, so a refresh of the old one cannot overwrite the new status.</summary>
    public long Generation { get; init; }

    /// <summary>Until when a refresh holds the source (another instance must not fetch it meanwhile).</summary>
    public Instant? ClaimedUntil { get; init; }
}

/// <summary>A due source taken by this instance until it reports back.</summary>
public sealed record ClaimedSource(SourceDefinition Definition, SourceStatus Status);

/// <summary>The admin API's view: the definition without header values, and the status.</summary>
public sealed class SourceView
{
    public required string EventId { get; init; }
    public required string Kind { get; init; }
    public required string Url { get; init; }
    public required int RefreshSeconds { get; init; }
    public string? TimeZone { get; init; }
    /// <summary>Names only: values are secrets.</summary>
    public required string[] Headers { get; init; }
    public required SourceStatusView Status { get; init; }

    public static SourceView From(SourceDefinition definition, SourceStatus status) => new()
    {
        EventId = definition.EventId,
        Kind = Formats.Upstream.SourceKinds.ToWireName(definition.Kind),
        Url = definition.Url.AbsoluteUri,
        RefreshSeconds = definition.RefreshSeconds,
        TimeZone = definition.TimeZone,
        Headers = [.. definition.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase)],
        Status = new SourceStatusView
        {
            LastAttempt = Format(status.LastAttempt),
            LastSuccess = Format(status.LastSuccess),
            LastChange = Format(status.LastChange),
            LastError = status.LastError,
            LastResult = status.LastResult,
            ETag = status.ETag,
            LastModified = status.LastModified,
            NextDue = Format(status.NextDue),
            Failures = status.Failures,
            Warnings = status.Warnings?.Split('\n'),
        },
    };

    private static string? Format(Instant? instant) => instant is { } i ? NodaTime.Text.InstantPattern.ExtendedIso.Format(i) : null;
}

public sealed class SourceStatusView
{
    public string? LastAttempt { get; init; }
    public string? LastSuccess { get; init; }
    public string? LastChange { get; init; }
    public string? LastError { get; init; }
    public string? LastResult { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    public string? NextDue { get; init; }
    public int Failures { get; init; }
    /// <summary>Parts of the upstream's schedule that were left out, one line each (rejected recurrence rules, unmatched RECURRENCE-IDs).</summary>
    public string[]? Warnings { get; init; }
}
