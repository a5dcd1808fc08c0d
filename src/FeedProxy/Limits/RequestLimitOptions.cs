namespace FeedProxy.Limits;

/// <summary>Limits on request shapes and import sizes (section "FeedProxy:Limits").</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "FeedProxy:Limits";

    /// <summary>Distinct Host headers accepted when PublicBaseUrl is unset; later ones get 421.</summary>
    public int MaxHosts { get; set; } = 16;

    /// <summary>Largest request body (imports, admin documents), megabytes; larger bodies get 413.</summary>
    public int MaxRequestBodyMegabytes { get; set; } = 64;

    /// <summary>Deepest element nesting an imported XML schedule may have.</summary>
    public int MaxXmlDepth { get; set; } = 64;

    /// <summary>Most elements an imported XML schedule may have.</summary>
    public int MaxXmlElements { get; set; } = 2_000_000;

    /// <summary>Most bytes an imported zip may expand to, in total, megabytes.</summary>
    public int MaxUncompressedMegabytes { get; set; } = 256;

    /// <summary>Largest uncompressed:compressed ratio of any zip entry (zip bombs reach thousands).</summary>
    public int MaxCompressionRatio { get; set; } = 100;
}
