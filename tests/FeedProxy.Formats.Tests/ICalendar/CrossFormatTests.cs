using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Support;
using FeedProxy.Formats.Tests.TimeZones;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Formats.Tests.ICalendar;

/// <summary>The three calendar formats serialise one tree: same components, same properties, same order.</summary>
public class CrossFormatTests
{
    private static readonly string[] Zones =
    [
        "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Europe/Dublin", "Africa/Casablanca",
        "America/Sao_Paulo", "Pacific/Apia", "Asia/Kolkata", "Etc/UTC", "Etc/GMT-14",
    ];

    private static readonly string[] Pieces =
    [
        "Talk", " ", "a", ",", ";", ":", "\\", "\"", "\n", "é", "田中", "🦀", "\t", "<x>&amp;",
        "\nEND:VEVENT\nBEGIN:VEVENT\n", "]}\"", "\u200D",
    ];

    [Fact]
    public void AllFormats_CarryTheSameStructure_ForTheSample()
    {
        var document = SampleDocuments.Document();
        var ical = ICalendarOutline(FeedWriters.Render(document, FeedFormat.ICalendar));
        Assert.Equal(ical, XCalOutline(FeedWriters.Render(document, FeedFormat.XCal)));
        Assert.Equal(ical, JCalOutline(FeedWriters.Render(document, FeedFormat.JCal)));
    }

    [Fact]
    public void RandomDocuments_RenderValidly_InAllFormats()
    {
        var random = new Random(7265);
        for (var run = 0; run < 150; run++)
        {
            var document = RandomDocument(random);
            var ics = FeedWriters.Render(document, FeedFormat.ICalendar);
            foreach (var line in ContentLineParser.PhysicalLines(ics))
            {
                Assert.True(line.Length <= 75, $"run {run}");
                Assert.False(line is [(byte)' '], $"run {run}");
            }

            var logical = ContentLineParser.Unfold(ics);
            var summaries = logical
                .Where(l => l.StartsWith("SUMMARY:", StringComparison.Ordinal))
                .Select(l => ContentLineParser.Unescape(ContentLineParser.Split(l).Value))
                .ToList();
            Assert.Equal(document.Sessions.Select(s => s.Title), summaries);

            var outline = ICalendarOutline(ics);
            Assert.Equal(outline, XCalOutline(FeedWriters.Render(document, FeedFormat.XCal)));
            Assert.Equal(outline, JCalOutline(FeedWriters.Render(document, FeedFormat.JCal)));

            var calendar = CalendarBuilder.Build(document);
            var vtimezone = calendar.Components.FirstOrDefault(c => c.Name == "VTIMEZONE");
            if (vtimezone is not null)
            {
                var zone = DateTimeZoneProviders.Tzdb[document.Event.TimeZone];
                var evaluator = new VTimeZoneEvaluator(vtimezone, 2035);
                foreach (var session in document.Sessions)
                {
                    Assert.Equal(zone.GetUtcOffset(session.Start), evaluator.OffsetAt(session.Start));
                    Assert.Equal(zone.GetUtcOffset(session.End), evaluator.OffsetAt(session.End));
                }
            }
        }
    }

    [Fact]
    public void UnknownZone_FallsBackToUtcTimes()
    {
        var document = SampleDocuments.Document() with { Event = SampleDocuments.Conference() with { TimeZone = "Mars/Olympus_Mons" } };
        var lines = ContentLineParser.Unfold(FeedWriters.Render(document, FeedFormat.ICalendar));
        Assert.DoesNotContain("BEGIN:VTIMEZONE", lines);
        Assert.DoesNotContain(lines, l => l.Contains("TZID", StringComparison.Ordinal));
        Assert.Contains("DTSTART:20270326T080000Z", lines);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Etc/UTC")]
    public void UtcZone_IsWrittenAsZuluTimes_NeverTzidUtc(string zoneId)
    {
        var document = SampleDocuments.Document() with { Event = SampleDocuments.Conference() with { TimeZone = zoneId } };
        var lines = ContentLineParser.Unfold(FeedWriters.Render(document, FeedFormat.ICalendar));
        Assert.DoesNotContain(lines, l => l.Contains("TZID", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("X-WR-TIMEZONE", StringComparison.Ordinal));
        Assert.Contains("DTSTART:20270326T080000Z", lines);
    }

    private static FeedDocument RandomDocument(Random random)
    {
        string? Text(int max) => TextSanitizer.Text(string.Concat(Enumerable.Range(0, random.Next(max)).Select(_ => Pieces[random.Next(Pieces.Length)])));
        var zoneId = Zones[random.Next(Zones.Length)];
        var baseInstant = Instant.FromUtc(2016 + random.Next(14), 1 + random.Next(12), 1 + random.Next(28), random.Next(24), 0);
        var sessions = new List<Session>();
        var count = random.Next(0, 8);
        for (var i = 0; i < count; i++)
        {
            var start = baseInstant + Duration.FromMinutes(random.Next(0, 60 * 24 * 400));
            sessions.Add(new Session
            {
                Id = "r" + i,
                Title = TextSanitizer.Line(Text(30)) ?? "Untitled",
                Abstract = Text(120),
                Start = start,
                End = start + Duration.FromMinutes(random.Next(0, 600)),
                State = random.Next(4) == 0 ? SessionState.Cancelled : SessionState.Confirmed,
                Track = random.Next(2) == 0 ? null : new Track { Id = "t", Name = TextSanitizer.Line(Text(5)) ?? "Track", Color = $"#{random.Next(0x1000000):x6}" },
                Room = random.Next(2) == 0 ? null : new Room { Id = "r", Name = TextSanitizer.Line(Text(5)) ?? "Room", Geo = new GeoPoint((random.NextDouble() * 180) - 90, (random.NextDouble() * 360) - 180) },
                StreamUrl = random.Next(3) == 0 ? "https://stream.example.org/x?a=1,b;c" : null,
                Speakers = [.. Enumerable.Range(0, random.Next(3)).Select(k => new Speaker { Id = "p" + k, Name = TextSanitizer.Line(Text(6)) ?? "Name" })],
                LastModified = baseInstant - Duration.FromSeconds(random.Next(1_000_000)),
                Revision = random.Next(10),
            });
        }

        sessions.Sort((a, b) => a.Start.CompareTo(b.Start));
        var conference = SampleDocuments.Conference() with { TimeZone = zoneId, Sessions = sessions, Description = Text(40) };
        return new FeedDocument
        {
            Event = conference,
            Sessions = sessions,
            SelfUrl = new Uri("https://feeds.example.org/x.ics"),
            UidDomain = "feeds.example.org",
            Subtitle = TextSanitizer.Line(Text(4)),
            IsSubscription = random.Next(4) != 0,
            Options = new FeedOptions { TimeMode = random.Next(3) == 0 ? TimeMode.Utc : TimeMode.EventZone },
        };
    }

    /// <summary>"begin:vevent", "uid", ..., "end:vevent": names in document order.</summary>
    private static List<string> ICalendarOutline(byte[] ics)
    {
        var outline = new List<string>();
        foreach (var line in ContentLineParser.Unfold(ics))
        {
            var name = ContentLineParser.Split(line).NameAndParameters.Split(';')[0].ToLowerInvariant();
            outline.Add(name is "begin" or "end" ? name + ":" + line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].ToLowerInvariant() : name);
        }

        return outline;
    }

    private static List<string> XCalOutline(byte[] xcs)
    {
        XNamespace ns = "urn:ietf:params:xml:ns:icalendar-2.0";
        var outline = new List<string>();
        void Component(XElement component)
        {
            outline.Add("begin:" + component.Name.LocalName);
            foreach (var property in component.Element(ns + "properties")?.Elements() ?? [])
            {
                outline.Add(property.Name.LocalName);
            }

            foreach (var child in component.Element(ns + "components")?.Elements() ?? [])
            {
                Component(child);
            }

            outline.Add("end:" + component.Name.LocalName);
        }

        var root = XDocument.Parse(Encoding.UTF8.GetString(xcs)).Root!;
        Component(root.Element(ns + "vcalendar")!);
        return outline;
    }

    private static List<string> JCalOutline(byte[] json)
    {
        var outline = new List<string>();
        void Component(JsonElement component)
        {
            outline.Add("begin:" + component[0].GetString());
            foreach (var property in component[1].EnumerateArray())
            {
                outline.Add(property[0].GetString()!);
            }

            foreach (var child in component[2].EnumerateArray())
            {
                Component(child);
            }

            outline.Add("end:" + component[0].GetString());
        }

        using var document = JsonDocument.Parse(json);
        Component(document.RootElement);
        return outline;
    }
}
