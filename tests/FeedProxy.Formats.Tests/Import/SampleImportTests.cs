using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>What each importer makes of a small, valid, self-written document.</summary>
public sealed class SampleImportTests
{
    [Fact]
    public void FrabXml_ReadsTimesLinksAndSpeakers()
    {
        var model = Samples.Import(new FrabXmlImporter(), Samples.Xml);

        Assert.Equal("demo-xml", model.Id);
        Assert.Equal("Europe/Berlin", model.TimeZone);
        Assert.Equal(Instant.FromUtc(2027, 2, 1, 11, 0), model.LastModified); // <version> is a local timestamp
        var first = model.Sessions.Single(s => s.Id == "0d6b8a8e-0000-4000-8000-000000000101");
        Assert.Equal(Instant.FromUtc(2027, 3, 5, 9, 0), first.Start);
        Assert.Equal(Duration.FromMinutes(45), first.Duration);
        Assert.Equal("https://example.org/media/101.png", first.ImageUrl);
        Assert.Equal("https://example.org/video/101.mp4", first.VideoUrl);
        Assert.Equal("https://example.org/101.pdf", first.SlidesUrl);
        Assert.Equal("#AABBCC", first.Track?.Color);
        Assert.Equal("Write to us or [e-mail removed].\n\nMore at our site (https://example.org/more).", first.Abstract);
        Assert.Null(first.Subtitle);

        // 01:30 is before the 06:00 day change: it belongs to the night after 5 March.
        var night = model.Sessions.Single(s => s.Id == "102");
        Assert.Equal(Instant.FromUtc(2027, 3, 6, 0, 30), night.Start);
        Assert.Equal(Duration.FromHours(26), night.Duration); // "1:02:00" is D:HH:MM
        Assert.Equal(["7", "bob-example"], night.Speakers.Select(s => s.Id));
        Assert.Same(first.Speakers[0], night.Speakers[0]);
        Assert.Equal(2, model.Speakers.Count);
        Assert.DoesNotContain("@", ScheduleData.Serialize(model), StringComparison.Ordinal);
    }

    [Fact]
    public void ScheduleJson_ReadsBothDayLayoutsAndDropsPersonEmail()
    {
        var model = Samples.Import(new ScheduleJsonImporter(), Samples.Json);

        Assert.Equal("demo-json", model.Id);
        var talk = model.Sessions.Single(s => s.Id == "5e0c2a3e-0000-4000-8000-000000000201");
        Assert.Equal(Instant.FromUtc(2027, 3, 5, 9, 0), talk.Start);
        Assert.Equal("Short.\n\nLonger text.", talk.Abstract);
        Assert.Equal("https://example.org/v.mp4", talk.VideoUrl);
        Assert.Equal("#00AA00", talk.Track?.Color);
        Assert.Equal("9", Assert.Single(talk.Speakers).Id);
        var late = model.Sessions.Single(s => s.Id == "202");
        Assert.Equal(Instant.FromUtc(2027, 3, 5, 23, 30), late.Start);
        Assert.Equal("cy-example", Assert.Single(late.Speakers).Id);
        Assert.DoesNotContain("@", ScheduleData.Serialize(model), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenEvent_MapsStatesSkipsUnscheduledAndDropsContactData()
    {
        var model = Samples.Import(new OpenEventImporter(), Samples.OpenEvent);

        Assert.Equal("abc123", model.Id);
        Assert.Equal(Instant.FromUtc(2027, 1, 5, 2, 0), model.LastModified);
        Assert.Equal(2, model.Sessions.Count);
        var accepted = model.Sessions.Single(s => s.Id == "31");
        Assert.Equal(SessionState.Accepted, accepted.State);
        Assert.Equal("#0080FF", accepted.Track?.Color);
        Assert.Equal(2, accepted.Room?.Floor);
        Assert.Equal("Talk", accepted.Type);
        Assert.Equal("Hi", accepted.Abstract);
        var speaker = Assert.Single(accepted.Speakers);
        Assert.Equal(("11", "Org", "Engineer"), (speaker.Id, speaker.Organisation, speaker.Position));
        var withdrawn = model.Sessions.Single(s => s.Id == "32");
        Assert.Equal(SessionState.Withdrawn, withdrawn.State);
        Assert.False(withdrawn.State.IsPublic());
        var json = ScheduleData.Serialize(model);
        Assert.DoesNotContain("@", json, StringComparison.Ordinal);
        Assert.DoesNotContain("+65", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_SameDocumentTwice_GivesEqualModels()
    {
        foreach (var (importer, text) in new (IScheduleImporter, string)[]
        {
            (new FrabXmlImporter(), Samples.Xml), (new ScheduleJsonImporter(), Samples.Json), (new OpenEventImporter(), Samples.OpenEvent),
        })
        {
            Assert.Equal(ScheduleData.Serialize(Samples.Import(importer, text)), ScheduleData.Serialize(Samples.Import(importer, text)));
        }
    }

    [Fact]
    public void EventId_FromOptionsWins_AndAnUnusableOneIsRefused()
    {
        var model = Samples.Import(new FrabXmlImporter(), Samples.Xml, Samples.Options with { EventId = "my-event" });
        Assert.Equal("my-event", model.Id);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), Samples.Xml, Samples.Options with { EventId = "///" }));
        Assert.Equal("options.EventId", error.Field);
    }

    [Theory]
    [InlineData("application/xml", typeof(FrabXmlImporter))]
    [InlineData("text/xml; charset=utf-8", typeof(FrabXmlImporter))]
    [InlineData("application/vnd.c3voc.schedule+xml", typeof(FrabXmlImporter))]
    [InlineData(null, typeof(FrabXmlImporter))]
    [InlineData("application/json", null)]
    public void Detect_XmlByContentTypeAndRoot(string? contentType, Type? expected)
    {
        Assert.Equal(expected, ScheduleImporters.Detect(contentType, Samples.Bytes(Samples.Xml))?.GetType());
    }

    [Theory]
    [InlineData("application/json", typeof(ScheduleJsonImporter))]
    [InlineData(null, typeof(ScheduleJsonImporter))]
    [InlineData("text/plain", typeof(ScheduleJsonImporter))]
    [InlineData("application/xml", null)]
    public void Detect_ScheduleJsonByKeys(string? contentType, Type? expected)
    {
        Assert.Equal(expected, ScheduleImporters.Detect(contentType, Samples.Bytes(Samples.Json))?.GetType());
    }

    [Fact]
    public void Detect_OpenEventJsonAndZip()
    {
        Assert.IsType<OpenEventImporter>(ScheduleImporters.Detect("application/json", Samples.Bytes(Samples.OpenEvent)));
        Assert.IsType<OpenEventImporter>(ScheduleImporters.Detect(null, "PK\u0003\u0004rest"u8));
    }

    [Theory]
    [InlineData("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")]
    [InlineData("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>")]
    [InlineData("[1, 2, 3]")]
    [InlineData("")]
    public void Import_UnknownFormat_ThrowsImportException(string text)
    {
        Assert.Null(ScheduleImporters.Detect(null, Samples.Bytes(text)));
        var error = Assert.Throws<ImportException>(() => ScheduleImporters.Import(new MemoryStream(Samples.Bytes(text)), null, Samples.Options));
        Assert.Contains("Unknown schedule format", error.Message, StringComparison.Ordinal);
    }
}
