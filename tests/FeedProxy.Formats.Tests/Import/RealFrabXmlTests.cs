using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;
using Xunit.Abstractions;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>The real frab / pentabarf XML schedules in ../shared/data (see its SOURCES.md).</summary>
public sealed class RealFrabXmlTests(RealScheduleFixture fixture, ITestOutputHelper output) : IClassFixture<RealScheduleFixture>
{
    // FOSDEM 2007 and 2020 state no zone: the caller supplies Brussels, as the API asks.
    [Theory]
    [InlineData("fosdem-mttcrsp/2007.xml", "Europe/Brussels", 215, 18, 25, 244)]
    [InlineData("fosdem-mttcrsp/2020.xml", "Europe/Brussels", 872, 35, 71, 841)]
    [InlineData("fosdem-mttcrsp/2025.xml", null, 943, 29, 69, 992)]
    [InlineData("fosdem-mttcrsp/2026.xml", null, 883, 30, 62, 927)]
    [InlineData("eventfahrplan/schedule-38c3-20251206.xml", null, 1007, 72, 8, 571)]
    [InlineData("ccc-31c3-FelixU/schedule.xml", null, 138, 4, 8, 198)]
    public void Import_RealFile_MatchesSourceCounts(string file, string? zone, int sessions, int rooms, int tracksUsed, int persons)
    {
        if (!ScheduleData.TryGet(file, output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, zone).First;

        Assert.Equal(sessions, model.Sessions.Count);
        Assert.Equal(rooms, model.Sessions.Select(s => s.Room?.Id).Distinct().Count());
        // Distinct values including "no track": 38C3 uses 7 named tracks plus sessions without one (SOURCES counts the empty name too).
        Assert.Equal(tracksUsed, model.Sessions.Select(s => s.Track?.Id).Distinct().Count());
        // Persons are keyed by the source's id: FOSDEM 2007 gives some people two ids (244 ids, 204
        // names), which SOURCES.md counts as 244 too; merging by name could merge namesakes.
        Assert.Equal(persons, model.Speakers.Count);
        Assert.All(model.Sessions, s => Assert.Equal(SessionState.Confirmed, s.State));
        ModelChecks.AssertWellFormed(model);
    }

    [Theory]
    [InlineData("fosdem-mttcrsp/2007.xml", "Europe/Brussels")]
    [InlineData("fosdem-mttcrsp/2020.xml", "Europe/Brussels")]
    [InlineData("fosdem-mttcrsp/2025.xml", null)]
    [InlineData("fosdem-mttcrsp/2026.xml", null)]
    [InlineData("eventfahrplan/schedule-38c3-20251206.xml", null)]
    [InlineData("ccc-31c3-FelixU/schedule.xml", null)]
    public void Reimport_RealFile_YieldsIdenticalIds(string file, string? zone)
    {
        if (!ScheduleData.TryGet(file, output, out var path))
        {
            return;
        }

        var (first, second) = fixture.Get(path, zone);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Sessions.Select(s => s.Id), second.Sessions.Select(s => s.Id));
        Assert.Equal(first.Speakers.Select(s => s.Id), second.Speakers.Select(s => s.Id));
        Assert.Equal(first.Tracks.Select(s => s.Id), second.Tracks.Select(s => s.Id));
        Assert.Equal(first.Rooms.Select(s => s.Id), second.Rooms.Select(s => s.Id));
        Assert.Equal(ScheduleData.Serialize(first), ScheduleData.Serialize(second));
    }

    [Theory]
    [InlineData("fosdem-mttcrsp/2007.xml", "Europe/Brussels")]
    [InlineData("fosdem-mttcrsp/2020.xml", "Europe/Brussels")]
    [InlineData("fosdem-mttcrsp/2025.xml", null)]
    [InlineData("fosdem-mttcrsp/2026.xml", null)]
    [InlineData("eventfahrplan/schedule-38c3-20251206.xml", null)]
    [InlineData("ccc-31c3-FelixU/schedule.xml", null)]
    public void Import_RealFile_LeavesNoEmailAddressFromTheSource(string file, string? zone)
    {
        if (!ScheduleData.TryGet(file, output, out var path))
        {
            return;
        }

        var json = ScheduleData.Serialize(fixture.Get(path, zone).First);

        var emails = ModelChecks.SourceEmails(File.ReadAllText(path));
        output.WriteLine($"{emails.Count} e-mail addresses in the source");
        ModelChecks.AssertAbsent(emails, json);
        ModelChecks.AssertNoEmailAddresses(json);
    }

    [Fact]
    public void Import_38C3_SessionAfterMidnightKeepsItsOwnDate()
    {
        if (!ScheduleData.TryGet("eventfahrplan/schedule-38c3-20251206.xml", output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, null).First;
        Assert.Equal("Europe/Berlin", model.TimeZone);
        Assert.Equal("38c3", model.Id);

        // Listed under day 2024-12-27, dated 2024-12-28T00:15:00+01:00, 40 minutes.
        var late = model.Sessions.Single(s => s.Id == "1c8f06f9-ce0d-51bc-9bf3-0a1f71e8e484");
        Assert.Equal(Instant.FromUtc(2024, 12, 27, 23, 15), late.Start);
        Assert.Equal(Duration.FromMinutes(40), late.Duration);

        // The opening: event date +01:00, while the conference start is written in UTC.
        var opening = model.Sessions.Single(s => s.Id == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7");
        Assert.Equal(Instant.FromUtc(2024, 12, 27, 9, 30), opening.Start);
        Assert.Equal("#F2F006", opening.Track?.Color);
        var source = ScheduleData.XmlElement(path, "event", "guid", opening.Id);
        Assert.Equal(ScheduleData.XmlText(source, "title"), opening.Title);
        Assert.Equal(ScheduleData.XmlText(source, "room"), opening.Room?.Name);
        Assert.Equal(source.Element("persons")!.Elements().Select(p => (string?)p.Attribute("guid")), opening.Speakers.Select(s => s.Id));
    }

    [Fact]
    public void Import_Fosdem2026_ReadsDateWithOffsetAndTrackSlugNames()
    {
        if (!ScheduleData.TryGet("fosdem-mttcrsp/2026.xml", output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, null).First;
        Assert.Equal("Europe/Brussels", model.TimeZone);
        Assert.Equal("fosdem-2026", model.Id);
        var welcome = model.Sessions.Single(s => s.Id == "9c3ebb8c-7716-5130-b9fe-ff8544f5636d");
        Assert.Equal(Instant.FromUtc(2026, 1, 31, 8, 30), welcome.Start);
        Assert.Equal(Instant.FromUtc(2026, 1, 31, 8, 50), welcome.End);
        var source = ScheduleData.XmlElement(path, "event", "guid", welcome.Id);
        Assert.Equal(ScheduleData.XmlText(source, "url"), welcome.Url);
        Assert.Equal(ScheduleData.XmlText(source, "title"), welcome.Title);
        Assert.Equal(Slug.From(ScheduleData.XmlText(source, "track")!), welcome.Track?.Id);
        Assert.Equal((string?)source.Element("persons")!.Element("person")!.Attribute("id"), Assert.Single(welcome.Speakers).Id);
        // Typographic apostrophes in track names survive.
        Assert.Contains(model.Tracks, t => t.Name.Contains('\u2019', StringComparison.Ordinal));
        // HTML abstracts become text.
        Assert.DoesNotContain(model.Sessions, s => s.Abstract is { } a && a.Contains("<p>", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_Fosdem2020_LocalTimesUseTheFallbackZoneAndLinksBecomeMedia()
    {
        if (!ScheduleData.TryGet("fosdem-mttcrsp/2020.xml", output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, "Europe/Brussels").First;
        Assert.Equal("Europe/Brussels", model.TimeZone);
        var keynote = model.Sessions.Single(s => s.Id == "10715");
        Assert.Equal(Instant.FromUtc(2020, 2, 1, 9, 0), keynote.Start);
        Assert.Equal(Duration.FromMinutes(50), keynote.Duration);
        // Of the WebM and MP4 recordings the MP4 is kept; the feedback link is not media.
        Assert.StartsWith("https://video.fosdem.org/2020/", keynote.VideoUrl, StringComparison.Ordinal);
        Assert.EndsWith(".mp4", keynote.VideoUrl, StringComparison.Ordinal);
        Assert.StartsWith("https://fosdem.org/2020/schedule/event/", keynote.SlidesUrl, StringComparison.Ordinal);
        Assert.EndsWith(".pdf", keynote.SlidesUrl, StringComparison.Ordinal);
        var source = ScheduleData.XmlElement(path, "event", "id", keynote.Id);
        Assert.Equal(ScheduleData.XmlText(source, "subtitle"), keynote.Subtitle);
        Assert.Equal(ScheduleData.XmlText(source, "track"), keynote.Track?.Name);
    }

    [Fact]
    public void Import_Fosdem2007_EventsDirectlyUnderDay()
    {
        if (!ScheduleData.TryGet("fosdem-mttcrsp/2007.xml", output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, "Europe/Brussels").First;
        var firstTalk = model.Sessions.Single(s => s.Id == "0");
        Assert.Equal(Instant.FromUtc(2007, 2, 25, 14, 0), firstTalk.Start);
        var source = ScheduleData.XmlElement(path, "event", "id", "0");
        Assert.Equal(ScheduleData.XmlText(source, "room"), firstTalk.Room?.Name);
        var speaker = Assert.Single(firstTalk.Speakers);
        Assert.Equal(ScheduleData.XmlText(source.Element("persons")!, "person"), speaker.Name);
        Assert.Contains(speaker.Name, c => c > 127); // non-ASCII name intact
        Assert.Equal((string?)source.Element("links")!.Element("link")!.Attribute("href"), firstTalk.VideoUrl);
        // The escaped HTML abstract became text, its links written out after the link text.
        Assert.DoesNotContain("<", firstTalk.Abstract, StringComparison.Ordinal);
        Assert.Matches(@"\w \(http://[^ )]+\)", firstTalk.Abstract);
        var conference = System.Xml.Linq.XDocument.Load(path).Root!.Element("conference")!;
        Assert.Equal(ScheduleData.XmlText(conference, "venue"), model.Venue?.Name);
        Assert.Equal(ScheduleData.XmlText(conference, "city"), model.Venue?.Address);
    }

    [Fact]
    public void Import_Fosdem2007WithoutZone_AsksForATimeZone()
    {
        if (!ScheduleData.TryGet("fosdem-mttcrsp/2007.xml", output, out var path))
        {
            return;
        }

        var error = Assert.Throws<ImportException>(() => ScheduleData.Import(path));
        Assert.True(error.NeedsTimeZone, error.Message);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Import_31C3_DerivesAFixedZoneFromOffsetsUnlessOneIsGiven()
    {
        if (!ScheduleData.TryGet("ccc-31c3-FelixU/schedule.xml", output, out var path))
        {
            return;
        }

        var derived = fixture.Get(path, null).First;
        Assert.Equal("Etc/GMT-1", derived.TimeZone);
        var opening = derived.Sessions.Single(s => s.Id == "29aecfd7-2e44-4f49-ab86-29b5e0877325");
        Assert.Equal(Instant.FromUtc(2014, 12, 27, 10, 0), opening.Start);
        var source = ScheduleData.XmlElement(path, "event", "guid", opening.Id);
        Assert.Equal(source.Element("persons")!.Elements().Select(p => (string?)p.Attribute("id")), opening.Speakers.Select(s => s.Id));
        Assert.Equal(source.Element("persons")!.Elements().Select(p => p.Value), opening.Speakers.Select(s => s.Name));

        var given = ScheduleData.Import(path, "Europe/Berlin");
        Assert.Equal("Europe/Berlin", given.TimeZone);
        Assert.Equal(opening.Start, given.Sessions.Single(s => s.Id == opening.Id).Start);
    }
}
