namespace FeedProxy.Formats.Feeds;

/// <summary>The representations a schedule is served in.</summary>
public enum FeedFormat
{
    /// <summary>iCalendar, RFC 5545 (.ics).</summary>
    ICalendar,
    /// <summary>xCal, RFC 6321 (.xcs); the conference dialect with <see cref="XCalDialect.Pentabarf"/>.</summary>
    XCal,
    /// <summary>RSS 2.0 (.rss).</summary>
    Rss,
    /// <summary>Atom, RFC 4287 (.atom).</summary>
    Atom,
    /// <summary>jCal, RFC 7265 (.json).</summary>
    JCal,
}

public static class FeedFormats
{
    public static IReadOnlyList<FeedFormat> All { get; } =
        [FeedFormat.ICalendar, FeedFormat.XCal, FeedFormat.Rss, FeedFormat.Atom, FeedFormat.JCal];

    /// <summary>Maps a URL extension (without the dot, case-insensitive) to a format.</summary>
    public static bool TryFromExtension(string? extension, out FeedFormat format)
    {
        switch (extension?.ToUpperInvariant())
        {
            case "ICS": format = FeedFormat.ICalendar; return true;
            case "XCS": format = FeedFormat.XCal; return true;
            case "RSS": format = FeedFormat.Rss; return true;
            case "ATOM": format = FeedFormat.Atom; return true;
            case "JSON": format = FeedFormat.JCal; return true;
            default: format = default; return false;
        }
    }

    public static string Extension(this FeedFormat format) => format switch
    {
        FeedFormat.ICalendar => "ics",
        FeedFormat.XCal => "xcs",
        FeedFormat.Rss => "rss",
        FeedFormat.Atom => "atom",
        FeedFormat.JCal => "json",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Content-Type including charset, as subscribers expect it.</summary>
    public static string ContentType(this FeedFormat format) => format switch
    {
        FeedFormat.ICalendar => "text/calendar; charset=utf-8",
        FeedFormat.XCal => "application/calendar+xml; charset=utf-8",
        FeedFormat.Rss => "application/rss+xml; charset=utf-8",
        FeedFormat.Atom => "application/atom+xml; charset=utf-8",
        FeedFormat.JCal => "application/calendar+json; charset=utf-8",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
