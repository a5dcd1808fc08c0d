using System.Buffers;
using System.Text;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Support;
using NodaTime;

namespace FeedProxy.Formats.Tests.ICalendar;

/// <summary>
/// The .ics of a feed is streamed from the model; the calendar tree that xCal and jCal
/// serialise is the reference (<see cref="ICalendarReference"/>). Both must give the same
/// octets for any document, also for text that never went through the sanitiser (models
/// built in code, like these), so the writers cannot drift apart.
/// </summary>
public class StreamedICalendarTests
{
    private static readonly string[] Zones =
        ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "UTC", "Asia/Kolkata", "Europe/Dublin", "America/Sao_Paulo"];

    private static readonly string[] Pieces =
    [
        "a", "Z", "0", " ", "  ", ":", "\"", "\t", "\\", ";", ",", "\n", "\r", "\r\n", "\u0001", "\u007F", "\u0085", "\u00A0",
        "é", "e\u0301", "ß", "€", "田", "花", "—", "😀", "🦀", "\U0001F9D1\u200D\U0001F4BB", "\uD800", "\uDC00", "\uFFFE", "\u2028",
        "word ", "longer words, with punctuation; ", "https://example.org/a?b=c&d=e ",
    ];

    [Fact]
    public void Streamed_EqualsTree_Samples()
    {
        AssertSame(SampleDocuments.Document(), "sample");
        AssertSame(SampleDocuments.Document(TimeMode.Utc), "sample utc");
        AssertSame(SampleDocuments.Document() with { IsSubscription = false, Sessions = [SampleDocuments.Conference().Sessions[0]] }, "sample single");
        AssertSame(SampleDocuments.Document() with { Subtitle = "Track: Security" }, "sample filtered");
        AssertSame(RecurringSamples.Document(FeedFormat.ICalendar), "club");
        AssertSame(RecurringSamples.Document(FeedFormat.ICalendar, new FeedOptions { TimeMode = TimeMode.Utc }), "club utc");
    }

    [Fact]
    public void Streamed_EqualsTree_RandomUnsanitisedSchedules()
    {
        var random = new Random(20270326);
        for (var i = 0; i < 150; i++)
        {
            var document = RandomDocument(random, i, sessions: random.Next(0, 25));
            AssertSame(document, $"random {i}");
            AssertSame(document with { Options = new FeedOptions { TimeMode = TimeMode.Utc } }, $"random {i} utc");
            AssertSame(document with { IsSubscription = false, Subtitle = Text(random, 6) }, $"random {i} single");
        }
    }

    [Fact]
    public void Streamed_EqualsTree_ThousandSessions()
    {
        var document = RandomDocument(new Random(1000), 1000, sessions: 1000);
        AssertSame(document, "1,000 sessions");
    }

    [Fact]
    public void Streamed_EqualsTree_Collection()
    {
        var random = new Random(7);
        var a = RandomDocument(random, 1, 30);
        var b = RandomDocument(random, 2, 30);
        var origins = FeedDocument.CreateOrigins();
        foreach (var s in a.Sessions)
        {
            origins[s] = a.Event;
        }

        foreach (var s in b.Sessions)
        {
            origins[s] = b.Event;
        }

        AssertSame(a with { Sessions = [.. a.Sessions, .. b.Sessions], Origins = origins, Kind = "collections" }, "collection");
    }

    [Fact]
    public void Description_EqualsBlocksJoinedByEmptyLines()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var session = RandomSession(random, i, DateTimeZoneProviders.Tzdb["Europe/Berlin"], [], [], []);
            Assert.Equal(ReferenceDescription(session), EventDescription.Of(session));
        }
    }

    private static void AssertSame(FeedDocument document, string name)
    {
        var reference = new ArrayBufferWriter<byte>();
        ICalendarReference.Write(document, reference);
        var streamed = FeedWriters.Render(document, FeedFormat.ICalendar);
        var at = reference.WrittenSpan.CommonPrefixLength(streamed);
        Assert.True(
            at == streamed.Length && at == reference.WrittenCount,
            $"{name}: streamed .ics differs from the tree's at octet {at}, after:\n{Encoding.UTF8.GetString(reference.WrittenSpan[Math.Max(0, at - 120)..at])}");
    }

    private static string Text(Random random, int maxPieces) =>
        string.Concat(Enumerable.Range(0, random.Next(0, maxPieces)).Select(_ => Pieces[random.Next(Pieces.Length)]));

    private static string? Maybe(Random random, int maxPieces) => random.Next(4) switch
    {
        0 => null,
        1 => "  ",
        _ => Text(random, maxPieces),
    };

    private static GeoPoint? Geo(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => new GeoPoint(-0.0, 0.0),
        2 => new GeoPoint(-0.0000001, 180),
        3 => new GeoPoint(double.NaN, 1),
        4 => new GeoPoint(91, 0),
        _ => new GeoPoint((random.NextDouble() * 180) - 90, (random.NextDouble() * 360) - 180),
    };

    internal static FeedDocument RandomDocument(Random random, int index, int sessions)
    {
        var zoneId = Zones[index % Zones.Length];
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        Track[] tracks = [.. Enumerable.Range(0, random.Next(0, 5)).Select(t => new Track
        {
            Id = $"t{t}",
            Name = Text(random, 5),
            Color = random.Next(4) switch { 0 => null, 1 => "not a colour", _ => $"#{random.Next(0x1000000):x6}" },
        })];
        Room[] rooms = [.. Enumerable.Range(0, random.Next(0, 6)).Select(r => new Room { Id = $"r{r}", Name = Text(random, 4), Geo = Geo(random) })];
        Speaker[] speakers = [.. Enumerable.Range(0, random.Next(0, 8)).Select(s => new Speaker { Id = $"p{s}", Name = random.Next(5) == 0 ? " " : Text(random, 4), Organisation = Maybe(random, 3) })];
        var list = Enumerable.Range(0, sessions).Select(n => RandomSession(random, n, zone, tracks, rooms, speakers)).ToList();
        var schedule = new Event
        {
            Id = $"e{index}" + (random.Next(5) == 0 ? " ü;," : string.Empty),
            Name = Text(random, 8),
            Description = Maybe(random, 20),
            Url = Maybe(random, 3),
            TimeZone = zoneId,
            Venue = random.Next(3) == 0 ? null : new Venue { Name = Text(random, 4), Geo = Geo(random) },
            ImageUrl = Maybe(random, 3),
            LastModified = Instant.FromUtc(2027, 1, 1, 0, 0) + Duration.FromSeconds(random.Next()),
            Tracks = tracks,
            Rooms = rooms,
            Speakers = speakers,
            Sessions = list,
        };
        return new FeedDocument
        {
            Event = schedule,
            Sessions = list,
            SelfUrl = new Uri($"https://feeds.example.org/events/e{index}.ics"),
            UidDomain = random.Next(4) == 0 ? "feeds.example.org " : "feeds.example.org",
            RefreshInterval = Duration.FromSeconds(random.Next(0, 100_000)),
        };
    }

    private static Session RandomSession(Random random, int n, DateTimeZone zone, Track[] tracks, Room[] rooms, Speaker[] speakers)
    {
        // Around the 2027 DST changes of both hemispheres, to the minute, so starts and ends
        // fall into repeated and skipped hours.
        Instant[] anchors = [Instant.FromUtc(2027, 3, 28, 0, 0), Instant.FromUtc(2027, 4, 4, 0, 0), Instant.FromUtc(2027, 10, 31, 0, 0), Instant.FromUtc(2027, 11, 7, 4, 0)];
        var start = anchors[random.Next(anchors.Length)] + Duration.FromMinutes(random.Next(-300, 300)) + Duration.FromMilliseconds(random.Next(0, 2) * random.Next(1000));
        var end = start + Duration.FromMinutes(random.Next(4) == 0 ? 0 : random.Next(1, 600)) + Duration.FromMilliseconds(random.Next(0, 2) * random.Next(1000));
        var session = new Session
        {
            Id = $"s{n}" + (random.Next(8) == 0 ? "\u00E9 ;" : string.Empty),
            Title = random.Next(10) == 0 ? " " : Text(random, 12),
            Subtitle = Maybe(random, 8),
            Abstract = random.Next(5) == 0 ? Text(random, 400) : Maybe(random, 60),
            Start = start,
            End = end,
            State = random.Next(5) == 0 ? SessionState.Cancelled : SessionState.Confirmed,
            Track = tracks.Length > 0 && random.Next(5) > 0 ? tracks[random.Next(tracks.Length)] : null,
            Room = rooms.Length > 0 && random.Next(5) > 0 ? rooms[random.Next(rooms.Length)] : null,
            Type = random.Next(3) switch { 0 => null, 1 => "Talk", _ => Text(random, 3) },
            Url = Maybe(random, 3),
            ImageUrl = Maybe(random, 3),
            StreamUrl = Maybe(random, 3),
            VideoUrl = Maybe(random, 3),
            SlidesUrl = Maybe(random, 3),
            Speakers = [.. Enumerable.Range(0, speakers.Length == 0 ? 0 : random.Next(0, 4)).Select(_ => speakers[random.Next(speakers.Length)])],
            LastModified = Instant.FromUtc(2027, 1, 1, 0, 0) + Duration.FromMilliseconds(random.NextInt64(0, 40_000_000_000)),
            Revision = random.Next(-2, 50),
            RecurrenceId = random.Next(10) == 0 ? start - Duration.FromDays(1) : null,
        };
        if (random.Next(6) != 0)
        {
            return session;
        }

        return session with
        {
            Recurrence = new Recurrence
            {
                Rules = random.Next(4) == 0 ? ["FREQ=WEEKLY;BYDAY=TU;COUNT=5", "not a rule"] : ["FREQ=DAILY;INTERVAL=2;UNTIL=20271231T000000Z"],
                Dates = random.Next(2) == 0 ? [] : [start + Duration.FromDays(3), start + Duration.FromDays(1)],
                ExceptionDates = random.Next(2) == 0 ? [] : [start + Duration.FromDays(2)],
                Overrides = random.Next(2) == 0 ? [] :
                [
                    new RecurrenceOverride { RecurrenceId = start + Duration.FromDays(4), Instance = session with { Start = start + Duration.FromDays(4) + Duration.FromHours(1), End = end + Duration.FromDays(4) + Duration.FromHours(1), Title = Text(random, 5) } },
                    new RecurrenceOverride { RecurrenceId = start + Duration.FromDays(2), Instance = session with { State = SessionState.Cancelled } },
                ],
                TimeZone = random.Next(3) == 0 ? "Australia/Sydney" : null,
            },
        };
    }

    /// <summary>The description as blocks joined by empty lines (how it was first written, with strings).</summary>
    private static string? ReferenceDescription(Session session)
    {
        var blocks = new List<string>();
        foreach (var text in new[] { session.Subtitle, session.Abstract })
        {
            if (!string.IsNullOrWhiteSpace(text))
            {
                blocks.Add(text.Trim());
            }
        }

        if (session.Speakers.Count > 0)
        {
            blocks.Add("Speakers: " + string.Join(", ", session.Speakers.Select(s =>
                s.Name + (string.IsNullOrWhiteSpace(s.Organisation) ? string.Empty : $" ({s.Organisation})"))));
        }

        var links = new[] { ("URL", session.Url), ("Live stream", session.StreamUrl), ("Slides", session.SlidesUrl), ("Recording", session.VideoUrl) }
            .Where(l => !string.IsNullOrWhiteSpace(l.Item2))
            .Select(l => $"{l.Item1}: {l.Item2!.Trim()}")
            .ToList();
        if (links.Count > 0)
        {
            blocks.Add(string.Join('\n', links));
        }

        return blocks.Count == 0 ? null : string.Join("\n\n", blocks);
    }
}
