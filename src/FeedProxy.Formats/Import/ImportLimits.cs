namespace FeedProxy.Formats.Import;

/// <summary>
/// Bounds on what one import may cost. Real schedules are far inside them (FOSDEM 2026: 883
/// sessions, ~1.5 MB of XML, nesting depth 7, ~25,000 elements); hostile files that would
/// otherwise overflow the stack (deep XML) or expand a small upload into gigabytes (zip) are
/// refused with an <see cref="ImportException"/> naming the limit.
/// </summary>
public sealed record ImportLimits
{
    public static readonly ImportLimits Default = new();

    /// <summary>Deepest element nesting in an XML schedule.</summary>
    public int MaxXmlDepth { get; init; } = 64;

    /// <summary>Most elements in an XML schedule.</summary>
    public int MaxXmlElements { get; init; } = 2_000_000;

    /// <summary>Most bytes the read entries of a zip may expand to, together.</summary>
    public long MaxUncompressedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest uncompressed:compressed ratio of a zip entry above 1 MB (zip bombs reach thousands; JSON rarely 20).</summary>
    public int MaxCompressionRatio { get; init; } = 100;
}
