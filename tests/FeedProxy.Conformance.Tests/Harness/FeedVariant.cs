using FeedProxy.Formats.Feeds;

namespace FeedProxy.Conformance.Tests.Harness;

/// <summary>
/// One representation a subscriber can ask for: a format plus the request options that
/// change its bytes. <see cref="ManifestFormat"/> tells the validators how to read it.
/// </summary>
internal sealed record FeedVariant(
    string Name,
    FeedFormat Format,
    FeedOptions Options,
    string ManifestFormat,
    string Query,
    string? ReferenceVariant = null)
{
    public const string IcsEventZone = "ics-eventzone";

    public static IReadOnlyList<FeedVariant> All { get; } =
    [
        new(IcsEventZone, FeedFormat.ICalendar, FeedOptions.Default, "ics", ""),
        new("ics-utc", FeedFormat.ICalendar, FeedOptions.Default with { TimeMode = TimeMode.Utc }, "ics", "?tz=utc"),
        new("xcs-rfc6321", FeedFormat.XCal, FeedOptions.Default, "xcal", "", IcsEventZone),
        new("xcs-pentabarf", FeedFormat.XCal, FeedOptions.Default with { XCalDialect = XCalDialect.Pentabarf }, "xcal-pentabarf", "?dialect=pentabarf"),
        new("rss-standard", FeedFormat.Rss, FeedOptions.Default, "rss", ""),
        new("rss-campus", FeedFormat.Rss, FeedOptions.Default with { Profile = SyndicationProfile.Campus }, "rss-campus", "?profile=campus"),
        new("atom-standard", FeedFormat.Atom, FeedOptions.Default, "atom", ""),
        new("atom-campus", FeedFormat.Atom, FeedOptions.Default with { Profile = SyndicationProfile.Campus }, "atom-campus", "?profile=campus"),
        new("jcal", FeedFormat.JCal, FeedOptions.Default, "jcal", "", IcsEventZone),
    ];

    public string FileName => $"{Name}.{Format.Extension()}";

    public string TimeModeName => Options.TimeMode == TimeMode.Utc ? "utc" : "event-zone";
}
