using FeedProxy.Formats.Import;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>Broken documents fail with an <see cref="ImportException"/> that points at the line or field.</summary>
public sealed class MalformedInputTests
{
    private static int LineOf(string text, string marker)
    {
        var index = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(index >= 0, marker);
        return text[..index].Count(c => c == '\n') + 1;
    }

    [Fact]
    public void Xml_NotWellFormed_ReportsTheLine()
    {
        var text = Samples.Xml.Replace("<title>First Talk</title>", "<title>First Talk</titel>", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), text));

        Assert.Equal(LineOf(text, "</titel>"), error.Line);
        Assert.Contains($"line {error.Line}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_BadStartTime_ReportsTheLineAndField()
    {
        var text = Samples.Xml.Replace("<start>01:30</start>", "<start>1h30</start>", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), text));

        Assert.Equal(LineOf(text, "<start>1h30"), error.Line);
        Assert.Equal("schedule/day[1]/room[@name='Hall A']/event[2]/start", error.Field);
    }

    [Fact]
    public void Xml_BadDuration_ReportsTheLine()
    {
        var text = Samples.Xml.Replace("<duration>00:45</duration>", "<duration>forever</duration>", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), text));

        Assert.Equal(LineOf(text, "<duration>forever"), error.Line);
        Assert.EndsWith("/duration", error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_NoZoneAndNoFallback_AsksForATimeZone()
    {
        var text = Samples.Xml.Replace("<time_zone_name>Europe/Berlin</time_zone_name>", "", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), text));
        Assert.True(error.NeedsTimeZone, error.Message);

        var model = Samples.Import(new FrabXmlImporter(), text, Samples.Options with { TimeZone = "Europe/Brussels" });
        Assert.Equal("Europe/Brussels", model.TimeZone);
    }

    [Fact]
    public void Options_UnknownFallbackZone_IsRefused()
    {
        var text = Samples.Xml.Replace("<time_zone_name>Europe/Berlin</time_zone_name>", "", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), text, Samples.Options with { TimeZone = "Mars/Olympus_Mons" }));
        Assert.Equal("timeZone", error.Field); // the admin API's query parameter name, not the library's property
        Assert.True(error.NeedsTimeZone);
    }

    [Fact]
    public void Xml_WithDtd_IsRefusedWithoutExpandingEntities()
    {
        const string text = """
            <?xml version="1.0"?>
            <!DOCTYPE schedule [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <schedule><conference><title>&b;</title></conference></schedule>
            """;

        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), text));
        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xml_OtherRootElement_IsRefused()
    {
        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), "<?xml version=\"1.0\"?>\n<iCalendar/>"));
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Xml_EventWithoutTitle_NamesTheField()
    {
        var text = Samples.Xml.Replace("<title>Night Session</title>", "<title> </title>", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new FrabXmlImporter(), text));
        Assert.EndsWith("event[2]/title", error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_SyntaxError_ReportsTheLine()
    {
        var text = Samples.Json.Replace("\"title\": \"Demo JSON\",", "\"title\": \"Demo JSON\" oops,", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new ScheduleJsonImporter(), text));

        Assert.Equal(LineOf(text, "oops"), error.Line);
    }

    [Fact]
    public void Json_BadStart_NamesTheFieldPath()
    {
        var text = Samples.Json.Replace("\"start\": \"00:30\"", "\"start\": \"99:99\"", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new ScheduleJsonImporter(), text));

        Assert.Equal("schedule.conference.days[1].rooms['Saal 1'][0].start", error.Field);
        Assert.StartsWith("schedule.conference.days[1].rooms['Saal 1'][0].start: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_RoomsOfTheWrongType_NamesTheField()
    {
        var text = Samples.Json.Replace("\"rooms\": {\n            \"Saal 1\": [\n              {\"id\": 202", "\"rooms\": [], \"x\": {\n            \"Saal 1\": [\n              {\"id\": 202", StringComparison.Ordinal);
        Assert.NotEqual(Samples.Json, text);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new ScheduleJsonImporter(), text));

        Assert.Equal("schedule.conference.days[1].rooms", error.Field);
    }

    [Fact]
    public void Json_MissingConference_NamesTheField()
    {
        var error = Assert.Throws<ImportException>(() => Samples.Import(new ScheduleJsonImporter(), "{\"schedule\": {\"version\": \"1\"}}"));
        Assert.Equal("schedule.conference", error.Field);
    }

    [Fact]
    public void Json_NoZoneAndLocalTimes_AsksForATimeZone()
    {
        var text = Samples.Json.Replace("\"time_zone_name\": \"Europe/Berlin\",", "", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new ScheduleJsonImporter(), text));

        Assert.True(error.NeedsTimeZone, error.Message);
        Assert.Equal("schedule.conference.days[1].rooms['Saal 1'][0].start", error.Field);
    }

    [Fact]
    public void OpenEvent_SessionsNotAList_NamesTheField()
    {
        var error = Assert.Throws<ImportException>(() => Samples.Import(new OpenEventImporter(), "{\"event\": {\"name\": \"E\", \"timezone\": \"UTC\"}, \"sessions\": \"none\"}"));
        Assert.Equal("sessions", error.Field);
    }

    [Fact]
    public void OpenEvent_BadStart_NamesTheSession()
    {
        var text = Samples.OpenEvent.Replace("2027-03-01T10:00:00+08:00", "tomorrow", StringComparison.Ordinal);

        var error = Assert.Throws<ImportException>(() => Samples.Import(new OpenEventImporter(), text));
        Assert.Equal("sessions[1].starts-at", error.Field);
    }

    [Fact]
    public void OpenEvent_BrokenZip_IsRefused()
    {
        var bytes = "PK\u0003\u0004 this is not really a zip archive"u8.ToArray();
        Assert.Throws<ImportException>(() => new OpenEventImporter().Import(new MemoryStream(bytes), Samples.Options));
    }
}
