using FeedProxy.Formats.Import;
using NodaTime;
using Xunit.Abstractions;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>The real frab / pretalx / c3voc schedule JSON files in ../shared/data/voc-schedule.</summary>
public sealed class RealScheduleJsonTests(RealScheduleFixture fixture, ITestOutputHelper output) : IClassFixture<RealScheduleFixture>
{
    private const string Examples = "voc-schedule/json/examples/";

    // invalid-example.json is the c3voc validator's negative case (string ids, a person id that
    // is no number, a "rooms" list beside "conference"): the schema rejects it, a lenient reader
    // does not need to.
    [Theory]
    [InlineData("frab-camp2019.json", 79, 2, "Europe/Berlin", 90)]
    [InlineData("pretalx-rc3.json", 48, 5, "Etc/GMT-1", 56)]
    [InlineData("pretalx-democon.json", 36, 2, "UTC", 27)]
    [InlineData("hub-schedule2.json", 2, 2, "Europe/Berlin", 4)]
    [InlineData("invalid-example.json", 1, 1, "Europe/Zurich", 1)]
    public void Import_RealFile_MatchesSourceCounts(string file, int sessions, int roomsUsed, string zone, int persons)
    {
        if (!ScheduleData.TryGet(Examples + file, output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, null).First;

        Assert.Equal(sessions, model.Sessions.Count);
        Assert.Equal(roomsUsed, model.Sessions.Select(s => s.Room?.Id).Distinct().Count());
        Assert.Equal(zone, model.TimeZone);
        Assert.Equal(persons, model.Speakers.Count);
        ModelChecks.AssertWellFormed(model);
        var json = ScheduleData.Serialize(model);
        ModelChecks.AssertNoEmailAddresses(json);
        ModelChecks.AssertAbsent(ModelChecks.SourceEmails(File.ReadAllText(path)), json);
    }

    [Theory]
    [InlineData("frab-camp2019.json")]
    [InlineData("pretalx-rc3.json")]
    [InlineData("pretalx-democon.json")]
    [InlineData("hub-schedule2.json")]
    [InlineData("invalid-example.json")]
    public void Reimport_RealFile_YieldsIdenticalIds(string file)
    {
        if (!ScheduleData.TryGet(Examples + file, output, out var path))
        {
            return;
        }

        var (first, second) = fixture.Get(path, null);
        Assert.Equal(first.Sessions.Select(s => s.Id), second.Sessions.Select(s => s.Id));
        Assert.Equal(first.Speakers.Select(s => s.Id), second.Speakers.Select(s => s.Id));
        Assert.Equal(ScheduleData.Serialize(first), ScheduleData.Serialize(second));
    }

    [Fact]
    public void Import_Camp2019_ReadsFrabSession()
    {
        if (!ScheduleData.TryGet(Examples + "frab-camp2019.json", output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, null).First;
        var conference = ScheduleData.JsonRoot(path).GetProperty("schedule").GetProperty("conference");
        Assert.Equal("camp2019", model.Id);
        Assert.Equal(conference.GetProperty("title").GetString(), model.Name);
        var opening = model.Sessions.Single(s => s.Id == "a0a0fcfe-b7fb-46e3-84b6-97a5406016b4");
        var source = conference.GetProperty("days")[0].GetProperty("rooms").EnumerateObject()
            .SelectMany(r => r.Value.EnumerateArray()).Single(e => e.GetProperty("guid").GetString() == opening.Id);
        Assert.Equal(source.GetProperty("title").GetString(), opening.Title);
        Assert.Equal(Instant.FromUtc(2019, 8, 21, 9, 0), opening.Start);
        Assert.Equal(Duration.FromMinutes(30), opening.Duration);
        Assert.Equal(source.GetProperty("room").GetString(), opening.Room?.Name);
        Assert.Equal(source.GetProperty("persons").EnumerateArray().Select(p => p.GetProperty("id").GetRawText()), opening.Speakers.Select(s => s.Id));
        Assert.Equal(source.GetProperty("url").GetString(), opening.Url);
    }

    [Fact]
    public void Import_Rc3WithZoneOption_UsesTheGivenZone()
    {
        if (!ScheduleData.TryGet(Examples + "pretalx-rc3.json", output, out var path))
        {
            return;
        }

        var model = ScheduleData.Import(path, "Europe/Berlin");
        Assert.Equal("Europe/Berlin", model.TimeZone);
        var first = model.Sessions.Single(s => s.Id == "c3642671-4c1f-5109-81ba-0535c1cc8428");
        Assert.Equal(Instant.FromUtc(2020, 12, 27, 10, 30), first.Start);
        // Room names with spaces and slashes still give valid ids.
        Assert.Matches("^[a-z0-9-]+$", first.Room?.Id);
    }

    [Fact]
    public void Import_HubScheduleV2_ResolvesTrackSlugsAndAttachments()
    {
        if (!ScheduleData.TryGet(Examples + "hub-schedule2.json", output, out var path))
        {
            return;
        }

        var model = fixture.Get(path, null).First;
        var opening = model.Sessions.Single(s => s.Id == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7");
        Assert.Equal(Instant.FromUtc(2024, 12, 27, 9, 30), opening.Start);
        Assert.Equal(Instant.FromUtc(2024, 12, 27, 10, 0), opening.End);
        Assert.Equal("ccc", opening.Track?.Id);
        Assert.Equal("#F2F006", opening.Track?.Color);
        Assert.Equal("https://example.net/foo/bar/1235.pdf", opening.SlidesUrl);
        Assert.Equal(3, opening.Speakers.Count);

        var afterMidnight = model.Sessions.Single(s => s.Id == "b1740c2f-0c44-5f1b-89ed-456a9eecf0b8");
        Assert.Equal(Instant.FromUtc(2024, 12, 27, 23, 15), afterMidnight.Start);
    }

    /// <summary>The c3voc schemas and the submission examples are JSON but not schedules.</summary>
    [Theory]
    [InlineData("voc-schedule/json/schema.json")]
    [InlineData("voc-schedule/json/schema2.json")]
    [InlineData("voc-schedule/submission-json/schema.json")]
    [InlineData("voc-schedule/submission-json/person.json")]
    [InlineData("voc-schedule/submission-json/submission.json")]
    [InlineData("voc-schedule/submission-json/examples/frab-event.json")]
    [InlineData("voc-schedule/submission-json/examples/pretalx-submission.json")]
    [InlineData("voc-schedule/xsd/schedule.xml.xsd")]
    [InlineData("voc-schedule/xsd/schedule-without-person.xml.xsd")]
    public void Import_SchemaOrSubmissionFile_IsRefusedWithImportException(string file)
    {
        if (!ScheduleData.TryGet(file, output, out var path))
        {
            return;
        }

        var error = Assert.Throws<ImportException>(() => ScheduleData.Import(path, "Europe/Berlin"));
        output.WriteLine(error.Message);
    }
}
