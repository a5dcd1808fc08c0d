using NodaTime;

namespace FeedProxy.Formats.Import;

/// <summary>What the caller knows that a schedule file may not state.</summary>
public sealed record ImportOptions
{
    /// <summary>Id of the resulting event; when null it is derived from the file (acronym, identifier or name).</summary>
    public string? EventId { get; init; }

    /// <summary>
    /// IANA time zone used only when the file states none (FOSDEM's pentabarf exports give bare
    /// local "HH:MM" times). A zone named in the file always wins.
    /// </summary>
    public string? TimeZone { get; init; }

    /// <summary>The import's moment; becomes LastModified wherever the source carries no better timestamp.</summary>
    public Instant ImportedAt { get; init; }

    /// <summary>What one import may cost (depth, element count, zip expansion).</summary>
    public ImportLimits Limits { get; init; } = ImportLimits.Default;
}
