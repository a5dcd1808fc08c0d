using System.Text;
using System.Xml.Linq;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Tests.ICalendar;
using FeedProxy.Formats.Tests.Support;

namespace FeedProxy.Formats.Tests.XCal;

public class XCalWriterTests
{
    private static readonly XNamespace Ns = "urn:ietf:params:xml:ns:icalendar-2.0";

    private static byte[] Render(FeedDocument document) => FeedWriters.Render(document, FeedFormat.XCal);

    [Fact]
    public void Golden_Rfc6321()
    {
        GoldenFile.AssertMatches("feedconf.xcs", Render(SampleDocuments.Document()));
    }

    [Fact]
    public void Render_IsDeterministic_Utf8WithoutBom()
    {
        var first = Render(SampleDocuments.Document());
        Assert.Equal(first, Render(SampleDocuments.Document()));
        Assert.False(first.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
    }

    [Fact]
    public void Document_HasRfc6321Structure()
    {
        var root = XDocument.Parse(Encoding.UTF8.GetString(Render(SampleDocuments.Document()))).Root!;
        Assert.Equal(Ns + "icalendar", root.Name);
        var calendar = root.Element(Ns + "vcalendar")!;
        Assert.Equal("PUBLISH", calendar.Element(Ns + "properties")!.Element(Ns + "method")!.Element(Ns + "text")!.Value);
        var components = calendar.Element(Ns + "components")!;
        Assert.Single(components.Elements(Ns + "vtimezone"));
        var events = components.Elements(Ns + "vevent").ToList();
        Assert.Equal(4, events.Count);

        var first = events[0].Element(Ns + "properties")!;
        var start = first.Element(Ns + "dtstart")!;
        Assert.Equal("Europe/Berlin", start.Element(Ns + "parameters")!.Element(Ns + "tzid")!.Element(Ns + "text")!.Value);
        Assert.Equal("2027-03-26T09:00:00", start.Element(Ns + "date-time")!.Value);
        Assert.Equal("2027-02-01T12:00:00Z", first.Element(Ns + "dtstamp")!.Element(Ns + "date-time")!.Value);
        Assert.Equal("2", first.Element(Ns + "sequence")!.Element(Ns + "integer")!.Value);
        Assert.Equal("52.520008", first.Element(Ns + "geo")!.Element(Ns + "latitude")!.Value);
        Assert.Equal(["Security", "Talk"], first.Element(Ns + "categories")!.Elements(Ns + "text").Select(e => e.Value));
        Assert.StartsWith("Opening: feeds, calendars; and \\ backslashes", first.Element(Ns + "summary")!.Value, StringComparison.Ordinal);

        var rules = root.Descendants(Ns + "recur").ToList();
        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.Equal("YEARLY", r.Element(Ns + "freq")!.Value));
        Assert.Contains(root.Descendants(Ns + "utc-offset"), e => e.Value == "+01:00");
    }

    [Fact]
    public void Utc_WritesZuluDateTimes()
    {
        var root = XDocument.Parse(Encoding.UTF8.GetString(Render(SampleDocuments.Document(TimeMode.Utc)))).Root!;
        Assert.Empty(root.Descendants(Ns + "vtimezone"));
        Assert.Empty(root.Descendants(Ns + "tzid"));
        Assert.Contains(root.Descendants(Ns + "dtstart"), e => e.Value == "2027-03-28T08:00:00Z");
    }
}
