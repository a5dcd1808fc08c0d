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
        return new CorpusDocument(kind, name, adjust is null ? document : adjust(document));
    }
}
