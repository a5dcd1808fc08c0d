using System.Text;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Support;

namespace FeedProxy.Formats.Tests.ICalendar;

public class ICalendarWriterTests
{
    private static byte[] Render(FeedDocument document) => FeedWriters.Render(document, FeedFormat.ICalendar);

    private static List<string> Lines(FeedDocument document) => ContentLineParser.Unfold(Render(document));

    [Fact]
    public void Golden_EventZone()
    {
        GoldenFile.AssertMatches("feedconf-eventzone.ics", Render(SampleDocuments.Document()));
    }

    [Fact]
    public void Golden_Utc()
    {
        GoldenFile.AssertMatches("feedconf-utc.ics", Render(SampleDocuments.Document(TimeMode.Utc)));
    }

    [Fact]
    public void Render_IsDeterministic()
    {
        Assert.Equal(Render(SampleDocuments.Document()), Render(SampleDocuments.Document()));
    }

    [Fact]
    public void Render_HasNoBom_AndEndsWithCrlf()
    {
        var octets = Render(SampleDocuments.Document());
        Assert.False(octets.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.True(octets.AsSpan().EndsWith("END:VCALENDAR\r\n"u8));
        foreach (var line in ContentLineParser.PhysicalLines(octets))
        {
            Assert.True(line.Length <= 75);
        }
    }

    [Fact]
    public void Title_WithInjectedComponentLines_StaysInsideSummary()
    {
        var document = SampleDocuments.WithSession(
            SampleDocuments.Document(),
            s => s with { Title = "Evil\nEND:VEVENT\nBEGIN:VEVENT\r\nUID:evil" });
        var lines = Lines(document);
        Assert.Equal(4, lines.Count(l => l == "BEGIN:VEVENT"));
        Assert.Equal(4, lines.Count(l => l == "END:VEVENT"));
        Assert.DoesNotContain("UID:evil", lines);
        var summary = Assert.Single(lines, l => l.StartsWith("SUMMARY:Evil", StringComparison.Ordinal));
        Assert.Equal("Evil\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil", ContentLineParser.Unescape(ContentLineParser.Split(summary).Value));
    }

    [Fact]
    public void Calendar_HasRequiredHeaderAndSubscriptionNames()
    {
        var lines = Lines(SampleDocuments.Document());
        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Contains("PRODID:-//FeedProxy//FeedProxy//EN", lines);
        Assert.Contains("VERSION:2.0", lines);
        Assert.Contains("CALSCALE:GREGORIAN", lines);
        Assert.Contains("METHOD:PUBLISH", lines);
        Assert.Contains("NAME:FeedConf 2027", lines);
        Assert.Contains("X-WR-CALNAME:FeedConf 2027", lines);
        Assert.Contains("REFRESH-INTERVAL;VALUE=DURATION:PT30M", lines);
        Assert.Contains("X-PUBLISHED-TTL:PT30M", lines);
        Assert.Contains("X-WR-TIMEZONE:Europe/Berlin", lines);
        Assert.Contains("SOURCE;VALUE=URI:https://feeds.example.org/events/feedconf-2027.ics", lines);
        Assert.Contains("LAST-MODIFIED:20270301T083015Z", lines);
        Assert.Contains("IMAGE;VALUE=URI;DISPLAY=BADGE:https://conf.example.org/2027/logo.png", lines);
    }

    [Fact]
    public void SingleSessionDownload_HasNoCalendarName()
    {
        var lines = Lines(SampleDocuments.Document() with { IsSubscription = false, Subtitle = "x" });
        Assert.DoesNotContain(lines, l => l.StartsWith("X-WR-CALNAME", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("NAME", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("X-PUBLISHED-TTL", StringComparison.Ordinal));
    }

    [Fact]
    public void Subtitle_IsAppendedToCalendarName()
    {
        var lines = Lines(SampleDocuments.Document() with { Subtitle = "Track: Security" });
        Assert.Contains("X-WR-CALNAME:FeedConf 2027 (Track: Security)", lines);
    }

    [Fact]
    public void EventZone_WritesTzidTimesAndOneVTimeZone()
    {
        var lines = Lines(SampleDocuments.Document());
        Assert.Single(lines, l => l == "BEGIN:VTIMEZONE");
        Assert.Contains("DTSTART;TZID=Europe/Berlin:20270326T090000", lines);
        Assert.Contains("DTSTART;TZID=Europe/Berlin:20270328T100000", lines);
        Assert.DoesNotContain(lines, l => l.Contains("TZID=UTC", StringComparison.Ordinal));
    }

    [Fact]
    public void Utc_WritesZuluTimes_NoVTimeZone_NoWrTimezone()
    {
        var lines = Lines(SampleDocuments.Document(TimeMode.Utc));
        Assert.DoesNotContain("BEGIN:VTIMEZONE", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("X-WR-TIMEZONE", StringComparison.Ordinal));
        Assert.Contains("DTSTART:20270326T080000Z", lines);
        Assert.Contains("DTSTART:20270328T080000Z", lines);
    }

    [Fact]
    public void Event_StampsAreTheSessionsLastChange_NotNow()
    {
        var lines = Lines(SampleDocuments.Document());
        Assert.Contains("DTSTAMP:20270201T120000Z", lines);
        Assert.Contains("LAST-MODIFIED:20270201T120000Z", lines);
        Assert.Contains("SEQUENCE:2", lines);
        Assert.Contains("UID:s1-feedconf-2027@feeds.example.org", lines);
    }

    [Fact]
    public void CancelledSession_IsStatusCancelled()
    {
        var lines = Lines(SampleDocuments.Document());
        Assert.Single(lines, l => l == "STATUS:CANCELLED");
        Assert.Equal(3, lines.Count(l => l == "STATUS:CONFIRMED"));
    }

    [Fact]
    public void Speakers_AreNeverAttendeesOrOrganizers()
    {
        var lines = Lines(SampleDocuments.Document());
        Assert.DoesNotContain(lines, l => l.StartsWith("ATTENDEE", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("ORGANIZER", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("mailto:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Event_CarriesRfc7986Extras()
    {
        var lines = Lines(SampleDocuments.Document());
        Assert.Contains("COLOR:crimson", lines);
        Assert.Contains("CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Live stream:https://stream.example.org/main", lines);
        Assert.Contains("ATTACH:https://conf.example.org/2027/slides/s1.pdf", lines);
        Assert.Contains("IMAGE;VALUE=URI;DISPLAY=BADGE:https://conf.example.org/2027/img/s1.png", lines);
        Assert.Contains("GEO:52.520008;13.404954", lines);
        Assert.Contains("LOCATION:Main Hall\\, Messe Süd", lines);
        Assert.Contains("CATEGORIES:Security,Talk", lines);
        Assert.Contains("CATEGORIES:Community & Outreach,Workshop", lines);
    }

    [Fact]
    public void Description_IsPlainTextWithSpeakersAndLinks()
    {
        var lines = Lines(SampleDocuments.Document());
        var description = lines
            .Where(l => l.StartsWith("DESCRIPTION:Why", StringComparison.Ordinal))
            .Select(l => ContentLineParser.Unescape(ContentLineParser.Split(l).Value))
            .Single();
        Assert.Contains("Speakers: Zoë Ødegård (Example Labs), 田中 花子", description, StringComparison.Ordinal);
        Assert.Contains("a semicolon \\ a backslash: and a colon.\nLine two.", description, StringComparison.Ordinal);
        Assert.Contains("Live stream: https://stream.example.org/main", description, StringComparison.Ordinal);
        Assert.Contains("Recording: https://video.example.org/2027/s1", description, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyProperties_AreLeftOut()
    {
        var lines = Lines(SampleDocuments.Document());
        foreach (var line in lines)
        {
            Assert.False(line.EndsWith(':'), "empty property: " + line);
        }

        // s4 has no track, room, url or abstract.
        var s4 = lines.SkipWhile(l => l != "UID:s4-feedconf-2027@feeds.example.org").TakeWhile(l => l != "END:VEVENT").ToList();
        Assert.DoesNotContain(s4, l => l.StartsWith("DESCRIPTION", StringComparison.Ordinal));
        Assert.DoesNotContain(s4, l => l.StartsWith("CATEGORIES", StringComparison.Ordinal));
        Assert.DoesNotContain(s4, l => l.StartsWith("COLOR", StringComparison.Ordinal));
        Assert.Contains("LOCATION:Messe Süd", s4);
    }

    [Fact]
    public void EmptyDocument_IsStillAValidCalendar()
    {
        var document = SampleDocuments.Document() with { Sessions = [] };
        var text = Encoding.UTF8.GetString(Render(document));
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("END:VCALENDAR\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN:VEVENT", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#d32f2f", "crimson")]
    [InlineData("#ff0000", "red")]
    [InlineData("#00FFFF", "aqua")]
    [InlineData("#1e88e5", "dodgerblue")]
    [InlineData("000001", "black")]
    [InlineData("red", null)]
    [InlineData(null, null)]
    public void CssColors_MapsHexToNearestName(string? hex, string? expected)
    {
        Assert.Equal(expected, CssColors.NearestName(hex));
    }

    [Fact]
    public void Session_WithoutSpeakersOrLinks_HasNoEmptyDescriptionLines()
    {
        var session = SampleDocuments.Conference().Sessions[3] with { Abstract = "Only this." };
        Assert.Equal("Only this.", EventDescription.Of(session));
        Assert.Null(EventDescription.Of(SampleDocuments.Conference().Sessions[3]));
        _ = SessionState.Confirmed;
    }
}
