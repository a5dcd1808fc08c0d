using System.Text;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Import;
using FeedProxy.Formats.Upstream;
using NodaTime;
using Xunit.Abstractions;

namespace FeedProxy.Formats.Tests.Upstream;

public sealed class SyndicationSourceReaderTests(ITestOutputHelper output)
{
    private static readonly UpstreamReadOptions Options = new() { EventId = "feed", ReadAt = Instant.FromUtc(2026, 5, 1, 0, 0) };

    private static Event Read(string text, UpstreamReadOptions? options = null) => SyndicationSourceReader.Read(Encoding.UTF8.GetBytes(text), options ?? Options);

    private static string Json(Event model) => System.Text.Json.JsonSerializer.Serialize(EventJsonWriter.FromModel(model), EventJsonContext.Default.EventJson);

    [Fact]
    public void SidearmFeed_EventModuleTimes_EveryItem()
    {
        if (!ScheduleData.TryGet("feeds/miami-redhawks-sidearm/calendar.rss", output, out var path))
        {
            return;
        }

        var model = SyndicationSourceReader.Read(File.ReadAllBytes(path), Options with { TimeZone = "America/New_York" });

        Assert.Equal(141, model.Sessions.Count);
        Assert.Equal(Instant.FromUtc(2026, 8, 8, 23, 0), model.Sessions[0].Start);
        Assert.Contains(model.Sessions, s => s.Room?.Name == "Oxford, Ohio");
        Assert.All(model.Sessions, s => Assert.True(s.End >= s.Start));
        ModelChecks.AssertWellFormed(model);
    }

    [Fact]
    public void CampusLabsFeed_TakesTheEventStartNotTheBuildTime_AndNeverTheAuthorAddress()
    {
        if (!ScheduleData.TryGet("feeds/ksu-campuslabs-engage/events.rss", output, out var path))
        {
            return;
        }

        var model = SyndicationSourceReader.Read(File.ReadAllBytes(path), Options with { TimeZone = "America/New_York" });

        Assert.Equal(914, model.Sessions.Count);
        var first = model.Sessions.First(s => s.Url == "https://owllife.kennesaw.edu/event/10024365");
        Assert.Equal(Instant.FromUtc(2024, 9, 6, 15, 0), first.Start);
        Assert.Equal(Instant.FromUtc(2024, 9, 6, 17, 0), first.End);
        Assert.Equal("The Commons", first.Room?.Name);
        Assert.StartsWith("https://se-images.campuslabs.com/", first.ImageUrl, StringComparison.Ordinal);
        Assert.Equal("Social", first.Track?.Name);
        ModelChecks.AssertNoEmailAddresses(Json(model));
        ModelChecks.AssertWellFormed(model);
    }

    [Fact]
    public void NotWellFormedFeed_IsAnImportExceptionNamingTheLine()
    {
        if (!ScheduleData.TryGet("feeds/ucdavis-dsi/events.rss", output, out var path))
        {
            return;
        }

        var error = Assert.Throws<ImportException>(() => SyndicationSourceReader.Read(File.ReadAllBytes(path), Options));
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void CampusAppShape_PubDateIsTheStart_EndDateAndImageRead()
    {
        // The item shape of the campus app's feed rules (seed 002), written here.
        var model = Read("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Test Feed</title><link>http://example.com/</link><description>d</description>
            <item><title>Title</title><description>Description</description><guid>65c96b7f</guid>
            <pubDate>Tue, 16 Apr 2019 10:45:15 +0000</pubDate><endDate>Tue, 16 Apr 2019 11:45:15 +0000</endDate>
            <image><url>https://example.com/logo.gif</url></image></item>
            <item><title>No end</title><guid>2</guid><startDate>2019-04-17T09:00:00Z</startDate></item>
            <item><title>Wrong weekday, zone name</title><guid>3</guid><pubDate>Mon, 18 Apr 2019 09:00:00 EST</pubDate></item>
            <item><title>Nothing to place it</title><guid>4</guid></item>
            </channel></rss>
            """);

        Assert.Equal(3, model.Sessions.Count);
        var first = model.Sessions.Single(s => s.Title == "Title");
        Assert.Equal(Instant.FromUtc(2019, 4, 16, 10, 45, 15), first.Start);
        Assert.Equal(Instant.FromUtc(2019, 4, 16, 11, 45, 15), first.End);
        Assert.Equal("https://example.com/logo.gif", first.ImageUrl);
        var noEnd = model.Sessions.Single(s => s.Title == "No end");
        Assert.Equal(Duration.FromHours(3), noEnd.Duration); // the campus app's default
        Assert.Equal(Instant.FromUtc(2019, 4, 18, 14, 0), model.Sessions.Single(s => s.Title.StartsWith("Wrong", StringComparison.Ordinal)).Start);
    }

    [Fact]
    public void EventModuleAndXCalInItems_WinOverPubDate()
    {
        var model = Read("""
            <rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/" xmlns:xCal="urn:ietf:params:xml:ns:xcal">
            <channel><title>T</title><link>http://example.com/</link><description>d</description>
            <item><title>Module</title><guid>a</guid><pubDate>Tue, 16 Apr 2019 10:45:15 +0000</pubDate>
              <ev:startdate>2026-03-01</ev:startdate><ev:enddate>2026-03-02</ev:enddate><ev:location>Hall</ev:location></item>
            <item><title>XCal</title><guid>b</guid><pubDate>Tue, 16 Apr 2019 10:45:15 +0000</pubDate>
              <xCal:dtstart>20260305T100000Z</xCal:dtstart><xCal:dtend>20260305T113000Z</xCal:dtend></item>
            </channel></rss>
            """, Options with { TimeZone = "Europe/Brussels" });

        var module = model.Sessions.Single(s => s.Title == "Module");
        Assert.Equal(Instant.FromUtc(2026, 2, 28, 23, 0), module.Start); // midnight in Brussels
        Assert.Equal(Instant.FromUtc(2026, 3, 2, 23, 0), module.End); // the inclusive last day
        Assert.Equal("Hall", module.Room?.Name);
        var xcal = model.Sessions.Single(s => s.Title == "XCal");
        Assert.Equal(Instant.FromUtc(2026, 3, 5, 10, 0), xcal.Start);
        Assert.Equal(Duration.FromMinutes(90), xcal.Duration);
    }

    [Fact]
    public void Atom_PublishedIsTheStart()
    {
        var model = Read("""
            <feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>Atom</title><updated>2019-04-16T14:45:15Z</updated>
            <entry><id>e1</id><title>Entry</title><updated>2019-04-16T14:45:15Z</updated><content>Some text</content>
            <published>2019-04-20T10:00:00+02:00</published><endDate>Sat, 20 Apr 2019 10:00:00 +0000</endDate></entry></feed>
            """);

        var entry = Assert.Single(model.Sessions);
        Assert.Equal(Instant.FromUtc(2019, 4, 20, 8, 0), entry.Start);
        Assert.Equal(Instant.FromUtc(2019, 4, 20, 10, 0), entry.End);
        Assert.Equal("Atom", model.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"json\": true}")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("<rss version=\"2.0\"><channel><title>cut")]
    [InlineData("<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><rss version=\"2.0\"><channel><title>&b;</title></channel></rss>")]
    public void GarbageTruncatedOrEntityBombs_AreImportExceptions(string text)
    {
        Assert.Throws<ImportException>(() => Read(text));
    }

    [Theory]
    [InlineData("2024-09-06T11:00:00.0000000-04:00", 2024, 9, 6, 15, 0, false)]
    [InlineData("Fri, 06 Sep 2024 15:00:00 GMT", 2024, 9, 6, 15, 0, false)]
    [InlineData("06 Sep 2024 15:00:00 +0200", 2024, 9, 6, 13, 0, false)]
    [InlineData("Thu, 06 Sep 2024 11:00:00 EDT", 2024, 9, 6, 15, 0, false)]
    [InlineData("20240906T150000Z", 2024, 9, 6, 15, 0, false)]
    [InlineData("2024-09-06 17:00", 2024, 9, 6, 15, 0, false)]
    [InlineData("2024-09-06", 2024, 9, 5, 22, 0, true)]
    public void LenientDates_ReadRealWorldSpellings(string text, int y, int mo, int d, int h, int mi, bool dateOnly)
    {
        var parsed = LenientDates.Parse(text, DateTimeZoneProviders.Tzdb["Europe/Berlin"]);

        Assert.NotNull(parsed);
        Assert.Equal(Instant.FromUtc(y, mo, d, h, mi), parsed!.Value.Instant);
        Assert.Equal(dateOnly, parsed.Value.DateOnly);
    }
}
