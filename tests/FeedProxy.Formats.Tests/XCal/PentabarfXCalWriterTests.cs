using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Tests.Support;
using FeedProxy.Formats.XCal;
using NodaTime;
using static FeedProxy.Formats.Tests.Syndication.SyndicationTestKit;

namespace FeedProxy.Formats.Tests.XCal;

public sealed partial class PentabarfXCalWriterTests
{
    [GeneratedRegex(@"^\d{8}T\d{6}Z$")]
    private static partial Regex BasicUtc();

    private static FeedDocument Sample => SyndicationSamples.Document(FeedFormat.XCal);

    private static byte[] Write(FeedDocument document)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PentabarfXCalWriter.Write(document, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static XElement Calendar(FeedDocument document) => Parse(Write(document)).Root!.Element("vcalendar")!;

    [Fact]
    public void Output_MatchesGoldenFile() => AssertGolden("syndication-pentabarf.xcs", Write(Sample));

    [Fact]
    public void Output_IsWellFormedConferenceXCal()
    {
        var bytes = Write(Sample);
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        var root = Parse(bytes).Root!;
        Assert.Equal("iCalendar", root.Name.LocalName);
        Assert.Equal(XNamespace.None, root.Name.Namespace);
        Assert.Equal("urn:ietf:params:xml:ns:xcal", root.GetNamespaceOfPrefix("xCal")?.NamespaceName);
        var calendar = root.Element("vcalendar")!;
        Assert.Equal("2.0", calendar.Element("version")!.Value);
        Assert.Equal("-//FeedProxy//FeedProxy//EN", calendar.Element("prodid")!.Value);
        Assert.Equal("Sample Conf 2027", calendar.Element("x-wr-calname")!.Value);
        Assert.Equal("A made-up conference used by the tests.", calendar.Element("x-wr-caldesc")!.Value);
        Assert.Equal("Europe/Berlin", calendar.Element("x-wr-timezone")!.Value);
        Assert.Equal(3, calendar.Elements("vevent").Count());
        Assert.Equal(bytes, Write(Sample));
    }

    [Fact]
    public void Events_HaveUtcBasicDatesAcrossTheClockChange()
    {
        var events = Calendar(Sample).Elements("vevent").ToList();
        Assert.All(events, e => Assert.Matches(BasicUtc(), e.Element("dtstart")!.Value));
        Assert.All(events, e => Assert.Matches(BasicUtc(), e.Element("dtend")!.Value));
        Assert.Equal("20270326T080000Z", events[0].Element("dtstart")!.Value);
        Assert.Equal("20270328T003000Z", events[1].Element("dtstart")!.Value);
        Assert.Equal("20270328T013000Z", events[1].Element("dtend")!.Value);
        Assert.Equal("PT1H", events[1].Element("duration")!.Value);
    }

    [Fact]
    public void Events_CarryWhatGiggityReads()
    {
        var document = Sample;
        var events = Calendar(document).Elements("vevent").ToList();
        Assert.Equal(document.Sessions.Select(document.UidOf), events.Select(e => e.Element("uid")!.Value));
        Assert.All(events, e => Assert.Equal("PUBLISH", e.Element("method")!.Value));
        Assert.All(events, e => Assert.Equal("PUBLIC", e.Element("class")!.Value));
        Assert.Equal(["CONFIRMED", "CONFIRMED", "CANCELLED"], events.Select(e => e.Element("status")!.Value));
        Assert.Equal("Cancelled: Soldering for Everyone", events[2].Element("summary")!.Value);
        Assert.Equal(["Zoë Ångström", "田中 花子"], events[1].Elements("attendee").Select(e => e.Value));
        Assert.Equal(["Security", "Talk"], events[0].Elements("category").Select(e => e.Value));
        Assert.Equal("https://conf.example.org/2027/#session-night-hack", events[1].Element("url")!.Value);
        Assert.StartsWith(
            "Why the doors are open\n\nWe compare a < b && c > d.\nA CDATA end ]]> in the middle.",
            events[0].Element("description")!.Value, StringComparison.Ordinal);
        Assert.Null(events[2].Element("description"));
    }

    [Fact]
    public void Location_IsAlwaysPresent()
    {
        var events = Calendar(Sample).Elements("vevent").ToList();
        Assert.Equal("Hall A, Kongresshaus Süd", events[0].Element("location")!.Value);
        Assert.Equal("Kongresshaus Süd", events[2].Element("location")!.Value);

        var noPlaces = Sample with { Event = SyndicationSamples.Event with { Venue = null } };
        var bare = Calendar(noPlaces).Elements("vevent").ToList();
        Assert.Equal("Sample Conf 2027", bare[2].Element("location")!.Value);
    }

    [Fact]
    public void SingleSessionDownload_HasNoCalendarName()
    {
        var download = Sample with { IsSubscription = false, Sessions = [SyndicationSamples.Opening] };
        Assert.Null(Calendar(download).Element("x-wr-calname"));
    }

    [Fact]
    public void SummaryContainingMarkup_IsEscaped()
    {
        const string hostile = "Intro</summary><script>alert(1)</script>";
        var document = Sample with { Sessions = [SyndicationSamples.Opening with { Title = hostile }] };
        var bytes = Write(document);
        Assert.DoesNotContain("<script>", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(hostile, Parse(bytes).Root!.Element("vcalendar")!.Element("vevent")!.Element("summary")!.Value);
    }

    [Theory]
    [InlineData(45 * 60, "PT45M")]
    [InlineData(90 * 60, "PT1H30M")]
    [InlineData(3600 + 5, "PT1H0M5S")]
    [InlineData(86_400, "P1D")]
    [InlineData(86_400 + 7200, "P1DT2H")]
    [InlineData(0, "PT0S")]
    [InlineData(-60, "PT0S")]
    public void FormatDuration_WritesRfc5545DurValue(long seconds, string expected) =>
        Assert.Equal(expected, PentabarfXCalWriter.FormatDuration(Duration.FromSeconds(seconds)));
}
