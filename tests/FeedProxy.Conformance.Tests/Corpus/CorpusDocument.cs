using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Conformance.Tests.Corpus;

/// <summary>The corpora the suite renders; each test runs once per kind.</summary>
public static class CorpusKinds
{
    public const string Demo = "demo";
    public const string Generated = "generated";
    public const string Real = "real";

    /// <summary>Collections: several events of the other corpora merged into one feed.</summary>
    public const string Collection = "collection";

    public static TheoryData<string> All => new() { Demo, Generated, Real, Collection };
}

/// <summary>
/// One schedule, with its sessions selected exactly as a public feed selects them. The
/// document is a template: each variant sets its own options and self URL.
/// </summary>
internal sealed record CorpusDocument(string Kind, string Name, FeedDocument Document)
{
    /// <summary>
    /// The same document with recurring sessions expanded into occurrences, as RSS, Atom,
    /// pentabarf and UTC feeds write them; also what every consumer must read back after
    /// expanding the rules of the iCalendar-family files. Equal to <see cref="Document"/>
    /// when nothing recurs.
    /// </summary>
    public FeedDocument Expanded { get; init; } = Document;

    /// <summary>Where occurrences are expanded (the default recurrence window around <see cref="Now"/>).</summary>
    public static Interval Window => FeedSelection.ExpansionWindow(new SelectionPolicy(), Now);

    /// <summary>The document a variant is rendered from.</summary>
    public FeedDocument For(FeedFormat format, FeedOptions options) =>
        FeedSelection.ModeFor(format, options) == RecurrenceMode.Keep ? Document : Expanded;

    /// <summary>The fixed "now" of every selection: output never depends on the clock.</summary>
    public static readonly Instant Now = Instant.FromUtc(2027, 3, 1, 12, 0);

    public const string UidDomain = "feeds.example.org";

    public int SessionCount => Document.Sessions.Count;

    /// <summary>Selects the feed's sessions (default policy, <see cref="Now"/>) and wraps them.</summary>
    public static CorpusDocument Create(string kind, string name, Event schedule, Func<FeedDocument, FeedDocument>? adjust = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var document = new FeedDocument
        {
            Event = schedule,
            Sessions = FeedSelection.Select(schedule, new SelectionPolicy(), Now),
            SelfUrl = new Uri($"https://{UidDomain}/events/{schedule.Id}.ics"),
            UidDomain = UidDomain,
        };
        var expanded = document with { Sessions = FeedSelection.Select(schedule, new SelectionPolicy(), Now, mode: RecurrenceMode.Expand) };
        return new CorpusDocument(kind, name, adjust is null ? document : adjust(document))
        {
            Expanded = adjust is null ? expanded : adjust(expanded),
        };
    }
}
