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
    string? ReferenceVariant = null,
    bool GeneratedCorpus = true)
{
    public const string IcsEventZone = "ics-eventzone";
    public const string IcsAlarms = "ics-alarms";

    /// <summary>Reminders as subscribers ask for them (<c>?alarm=-PT15M,-P1D</c>): two VALARMs per VEVENT.</summary>
    private static readonly FeedOptions Alarms = FeedOptions.Default with { Alarms = [NodaTime.Duration.FromDays(-1), NodaTime.Duration.FromMinutes(-15)] };

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
        // Alarms do not depend on the hostile times and texts of the generated corpus, whose
        // hundreds of schedules would add a third to every validator's run: demo, real and
        // collection schedules carry them.
        new(IcsAlarms, FeedFormat.ICalendar, Alarms, "ics", "?alarm=-P1D,-PT15M", GeneratedCorpus: false),
        new("xcs-alarms", FeedFormat.XCal, Alarms, "xcal", "?alarm=-P1D,-PT15M", IcsAlarms, GeneratedCorpus: false),
        new("jcal-alarms", FeedFormat.JCal, Alarms, "jcal", "?alarm=-P1D,-PT15M", IcsAlarms, GeneratedCorpus: false),
    ];

    public string FileName => $"{Name}.{Format.Extension()}";

    public string TimeModeName => Options.TimeMode == TimeMode.Utc ? "utc" : "event-zone";
}
