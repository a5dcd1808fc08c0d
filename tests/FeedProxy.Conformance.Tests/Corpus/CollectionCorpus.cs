using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;

namespace FeedProxy.Conformance.Tests.Corpus;

/// <summary>
/// Collections (several events in one feed, as /collections/{id} serves them) built from the
/// other corpora: the demo event with generated events of many zones, and groups of generated
/// events. Each feed mixes time zones (one VTIMEZONE per zone), repeats session ids across
/// events (UIDs stay distinct) and keeps each session's own event for UIDs and places.
/// </summary>
internal static class CollectionCorpus
{
    private const int GroupSize = 6;

    public static IReadOnlyList<CorpusDocument> Build(IReadOnlyList<CorpusDocument> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        // Recurring documents render differently per format (series or occurrences); they stay
        // out of collections here, which merge one session list for every format.
        var demo = members.Where(m => m.Kind == CorpusKinds.Demo && m.Document.Sessions.All(s => s.Recurrence is null)).ToList();
        var generated = members.Where(m => m.Kind == CorpusKinds.Generated && m.SessionCount > 0).ToList();
        var real = members.Where(m => m.Kind == CorpusKinds.Real).Take(2).ToList();
        var collections = new List<CorpusDocument>();
        if (demo.Count > 0 || real.Count > 0)
        {
            collections.Add(Merge("c-demo", [.. demo, .. real, .. generated.Take(GroupSize)]));
        }

        for (var i = 0; i + GroupSize <= generated.Count && collections.Count < 40; i += GroupSize)
        {
            collections.Add(Merge($"c{i / GroupSize:D3}", generated.GetRange(i, GroupSize)));
        }

        return collections;
    }

    // Series as the iCalendar family keeps them, and their occurrences as the other formats
    // (and the sidecar) list them.
    private static CorpusDocument Merge(string id, List<CorpusDocument> members) =>
        new(CorpusKinds.Collection, id, Merge(id, members, m => m.Document)) { Expanded = Merge(id, members, m => m.Expanded) };

    private static FeedDocument Merge(string id, List<CorpusDocument> members, Func<CorpusDocument, FeedDocument> pick)
    {
        var origins = FeedDocument.CreateOrigins();
        var sessions = new List<Session>();
        foreach (var member in members)
        {
            foreach (var session in pick(member).Sessions)
            {
                sessions.Add(session);
                origins[session] = member.Document.Event;
            }
        }

        sessions.Sort((a, b) =>
        {
            var byStart = a.Start.CompareTo(b.Start);
            if (byStart != 0) { return byStart; }
            var byEvent = string.CompareOrdinal(origins[a].Id, origins[b].Id);
            return byEvent != 0 ? byEvent : string.CompareOrdinal(a.Id, b.Id);
        });
        var calendar = new Event
        {
            Id = id,
            Name = $"Collection {id} of {members.Count} events",
            Description = "Several events in one feed; each session keeps its own event's zone.",
            TimeZone = members[0].Document.Event.TimeZone,
            LastModified = members.Max(m => m.Document.Event.LastModified),
        };
        var document = new FeedDocument
        {
            Event = calendar,
            Kind = "collections",
            Sessions = sessions,
            Origins = origins,
            SelfUrl = new Uri($"https://{CorpusDocument.UidDomain}/collections/{id}.ics"),
            PageUrl = new Uri($"https://{CorpusDocument.UidDomain}/collections/{id}"),
            UidDomain = CorpusDocument.UidDomain,
        };
        return document;
    }
}
