using System.Globalization;
using System.Xml.Linq;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;
using Xunit.Abstractions;
using static FeedProxy.Formats.Tests.Syndication.SyndicationTestKit;

namespace FeedProxy.Formats.Tests.Syndication;

/// <summary>
/// Renders real conference schedules (frab XML from the shared test data, which is
/// third-party material and never committed) through every syndication writer. Skips,
/// with a message, when the data folder is absent.
/// </summary>
public sealed class RealScheduleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("fosdem-mttcrsp/2026.xml")]
    [InlineData("fosdem-mttcrsp/2025.xml")]
    [InlineData("eventfahrplan/schedule-38c3-20251206.xml")]
    public void RealSchedule_RendersWellFormedFeedsInEveryProfile_OrSkipsWithoutSharedData(string relativePath)
    {
        var path = Path.Combine(RepositoryRoot(), "..", "shared", "data", relativePath);
        if (!File.Exists(path))
        {
            output.WriteLine($"SKIPPED: test data {relativePath} not found next to the repository.");
            return;
        }

        var schedule = FrabReader.Read(path);
        Assert.NotEmpty(schedule.Sessions);
        foreach (var (format, profile) in new[]
        {
            (FeedFormat.Rss, SyndicationProfile.Standard), (FeedFormat.Rss, SyndicationProfile.Campus),
            (FeedFormat.Atom, SyndicationProfile.Standard), (FeedFormat.Atom, SyndicationProfile.Campus),
            (FeedFormat.XCal, SyndicationProfile.Standard),
        })
        {
            var document = new FeedDocument
            {
                Event = schedule,
                Sessions = schedule.Sessions,
                SelfUrl = new Uri($"https://feeds.example.org/events/{schedule.Id}.{format.Extension()}"),
                UidDomain = "feeds.example.org",
                Options = FeedOptions.Default with { Profile = profile, XCalDialect = XCalDialect.Pentabarf },
            };
            var xml = Parse(Render(document, format));
            var items = xml.Descendants().Where(e => e.Name.LocalName is "item" or "entry" or "vevent").ToList();
            Assert.Equal(schedule.Sessions.Count, items.Count);
            var ids = items.Select(i => i.Elements().First(e => e.Name.LocalName is "guid" or "id" or "uid").Value).ToList();
            Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
            output.WriteLine($"{relativePath} {format}/{profile}: {items.Count} items");
        }
    }

    /// <summary>Just enough of frab's schedule XML (day/room/event with an offset date) for these tests.</summary>
    private static class FrabReader
    {
        public static Event Read(string path)
        {
            var root = XDocument.Load(path).Root!;
            var conference = root.Element("conference")!;
            var sessions = new List<Session>();
            foreach (var e in root.Descendants("event"))
            {
                var start = Instant.FromDateTimeOffset(DateTimeOffset.Parse(e.Element("date")!.Value, CultureInfo.InvariantCulture));
                var duration = TimeSpan.Parse(e.Element("duration")!.Value, CultureInfo.InvariantCulture);
                sessions.Add(new Session
                {
                    Id = e.Attribute("id")!.Value,
                    Title = TextSanitizer.Line(e.Element("title")?.Value) ?? "(untitled)",
                    Subtitle = TextSanitizer.Line(e.Element("subtitle")?.Value),
                    Abstract = TextSanitizer.Text(e.Element("abstract")?.Value),
                    Start = start,
                    End = start + Duration.FromTimeSpan(duration),
                    Room = TextSanitizer.Line(e.Element("room")?.Value) is { } room ? new Room { Id = room, Name = room } : null,
                    Track = TextSanitizer.Line(e.Element("track")?.Value) is { } track ? new Track { Id = track, Name = track } : null,
                    Type = TextSanitizer.Line(e.Element("type")?.Value),
                    Url = e.Element("url")?.Value,
                    Speakers = [.. e.Descendants("person").Select(p => new Speaker
                    {
                        Id = p.Attribute("id")?.Value ?? p.Value,
                        Name = TextSanitizer.Line(p.Value) ?? "?",
                    })],
                    LastModified = Instant.FromUtc(2025, 1, 1, 0, 0),
                });
            }

            sessions.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Id, b.Id));
            return new Event
            {
                Id = Slug.From(conference.Element("acronym")?.Value ?? conference.Element("title")!.Value),
                Name = TextSanitizer.Line(conference.Element("title")!.Value)!,
                TimeZone = conference.Element("time_zone_name")?.Value ?? "UTC",
                Venue = TextSanitizer.Line(conference.Element("venue")?.Value) is { } venue ? new Venue { Name = venue } : null,
                Url = conference.Element("base_url")?.Value,
                LastModified = Instant.FromUtc(2025, 1, 1, 0, 0),
                Sessions = sessions,
            };
        }
    }
}
