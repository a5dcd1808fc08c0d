using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Support;
using static FeedProxy.Formats.Tests.Syndication.SyndicationTestKit;

namespace FeedProxy.Formats.Tests.Syndication;

public sealed partial class RssWriterTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Ev = "http://purl.org/rss/1.0/modules/event/";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    [GeneratedRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$")]
    private static partial Regex Rfc822();

    private static byte[] Rss(SyndicationProfile profile) =>
        Render(SyndicationSamples.Document(FeedFormat.Rss, profile), FeedFormat.Rss);

    private static XDocument RssXml(SyndicationProfile profile) => Parse(Rss(profile));

    internal static DateTimeOffset ParseRfc822(string value) =>
        DateTimeOffset.ParseExact(value, "ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Fact]
    public void Standard_MatchesGoldenFile() => AssertGolden("syndication.rss", Rss(SyndicationProfile.Standard));

    [Fact]
    public void Campus_MatchesGoldenFile() => AssertGolden("syndication-campus.rss", Rss(SyndicationProfile.Campus));

    [Theory]
    [InlineData(SyndicationProfile.Standard)]
    [InlineData(SyndicationProfile.Campus)]
    public void Output_IsWellFormedUtf8WithoutBom(SyndicationProfile profile)
    {
        var bytes = Rss(profile);
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var xml = Parse(bytes);
        Assert.Equal("rss", xml.Root!.Name.LocalName);
        Assert.Equal(3, xml.Descendants("item").Count());
    }

    [Theory]
    [InlineData(SyndicationProfile.Standard)]
    [InlineData(SyndicationProfile.Campus)]
    public void Output_IsIdenticalForIdenticalDocuments(SyndicationProfile profile) =>
        Assert.Equal(Rss(profile), Rss(profile));

    [Theory]
    [InlineData(SyndicationProfile.Standard)]
    [InlineData(SyndicationProfile.Campus)]
    public void Dates_AreRfc822WithFourDigitYear(SyndicationProfile profile)
    {
        var xml = RssXml(profile);
        var dates = xml.Descendants().Where(e => e.Name.LocalName is "pubDate" or "lastBuildDate" or "endDate").ToList();
        Assert.NotEmpty(dates);
        Assert.All(dates, d => Assert.Matches(Rfc822(), d.Value));
        Assert.Equal(new DateTimeOffset(2027, 3, 20, 17, 45, 0, TimeSpan.Zero), ParseRfc822(xml.Descendants("lastBuildDate").Single().Value));
    }

    [Theory]
    [InlineData(SyndicationProfile.Standard)]
    [InlineData(SyndicationProfile.Campus)]
    public void Guid_IsTheUidAndNotAPermaLink(SyndicationProfile profile)
    {
        var document = SyndicationSamples.Document(FeedFormat.Rss, profile);
        var guids = RssXml(profile).Descendants("guid").ToList();
        Assert.Equal(document.Sessions.Select(document.UidOf), guids.Select(g => g.Value));
        Assert.All(guids, g => Assert.Equal("false", g.Attribute("isPermaLink")?.Value));
    }

    [Fact]
    public void Standard_ChannelHasRequiredElementsAndSelfLink()
    {
        var channel = RssXml(SyndicationProfile.Standard).Root!.Element("channel")!;
        Assert.Equal("Sample Conf 2027", channel.Element("title")!.Value);
        Assert.Equal("https://conf.example.org/2027/", channel.Element("link")!.Value);
        Assert.Equal("A made-up conference used by the tests.", channel.Element("description")!.Value);
        Assert.Equal("30", channel.Element("ttl")!.Value);
        Assert.Equal("FeedProxy", channel.Element("generator")!.Value);
        Assert.Null(channel.Element("language"));
        var self = channel.Element(Atom + "link")!;
        Assert.Equal("https://feeds.example.org/events/sample-conf.rss", self.Attribute("href")!.Value);
        Assert.Equal("self", self.Attribute("rel")!.Value);
        Assert.Equal("application/rss+xml", self.Attribute("type")!.Value);
    }

    [Fact]
    public void Standard_EveryExtensionElementIsNamespacedAndDeclaredOnRoot()
    {
        var xml = RssXml(SyndicationProfile.Standard);
        XNamespace[] declared = [.. xml.Root!.Attributes().Where(a => a.IsNamespaceDeclaration).Select(a => XNamespace.Get(a.Value))];
        Assert.Contains(Atom, declared);
        Assert.Contains(Ev, declared);
        Assert.Contains(Dc, declared);
        string[] core =
        [
            "rss", "channel", "title", "link", "description", "lastBuildDate", "ttl", "generator", "image", "url",
            "item", "guid", "pubDate", "category", "enclosure",
        ];
        foreach (var element in xml.Descendants())
        {
            if (element.Name.Namespace == XNamespace.None)
            {
                Assert.Contains(element.Name.LocalName, core);
            }
            else
            {
                Assert.Contains(element.Name.Namespace, declared);
            }
        }

        Assert.All(xml.Descendants().Skip(1), e => Assert.DoesNotContain(e.Attributes(), a => a.IsNamespaceDeclaration));
    }

    [Fact]
    public void Standard_ItemsCarryEventModuleWithEventZoneOffsets()
    {
        var items = RssXml(SyndicationProfile.Standard).Descendants("item").ToList();
        Assert.Equal("2027-03-26T09:00:00+01:00", items[0].Element(Ev + "startdate")!.Value);
        Assert.Equal("2027-03-26T09:45:00+01:00", items[0].Element(Ev + "enddate")!.Value);
        // The night session starts before and ends after the clock change.
        Assert.Equal("2027-03-28T01:30:00+01:00", items[1].Element(Ev + "startdate")!.Value);
        Assert.Equal("2027-03-28T03:30:00+02:00", items[1].Element(Ev + "enddate")!.Value);
        Assert.Equal("Hall A, Kongresshaus Süd", items[0].Element(Ev + "location")!.Value);
        Assert.Equal("Kongresshaus Süd", items[2].Element(Ev + "location")!.Value);
        Assert.Equal("Zoë Ångström, 田中 花子", items[1].Element(Ev + "organizer")!.Value);
        Assert.Equal("Workshop", items[1].Element(Ev + "type")!.Value);
        // One creator with every name: readers that keep one dc:creator keep the last element.
        Assert.Equal(["Zoë Ångström, 田中 花子"], items[1].Elements(Dc + "creator").Select(e => e.Value));
        Assert.Empty(items[1].Elements("author"));
    }

    [Fact]
    public void Standard_ItemLinkFallsBackToAnchorOnEventPage()
    {
        var links = RssXml(SyndicationProfile.Standard).Descendants("item").Select(i => i.Element("link")!.Value).ToList();
        Assert.Equal("https://conf.example.org/2027/talks/opening", links[0]);
        Assert.Equal("https://conf.example.org/2027/#session-night-hack", links[1]);
    }

    [Fact]
    public void Standard_PubDateIsLastChangeAndImageIsEnclosure()
    {
        var first = RssXml(SyndicationProfile.Standard).Descendants("item").First();
        Assert.Equal(new DateTimeOffset(2027, 3, 10, 10, 0, 5, TimeSpan.Zero), ParseRfc822(first.Element("pubDate")!.Value));
        var enclosure = first.Element("enclosure")!;
        Assert.Equal("https://conf.example.org/img/opening.png", enclosure.Attribute("url")!.Value);
        Assert.Equal("0", enclosure.Attribute("length")!.Value);
        Assert.Equal("image/png", enclosure.Attribute("type")!.Value);
        Assert.Equal(["Security", "Talk"], first.Elements("category").Select(c => c.Value));
    }

    [Fact]
    public void Standard_DescriptionIsEscapedHtmlOfThePlainText()
    {
        var first = RssXml(SyndicationProfile.Standard).Descendants("item").First();
        var html = first.Element("description")!.Value;
        Assert.Contains("<p>We compare a &lt; b &amp;&amp; c &gt; d.<br />A CDATA end ]]&gt; in the middle.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p>Second &quot;paragraph&quot; &amp; more.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p>Friday, 26 March 2027, 09:00–09:45 (Europe/Berlin)</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p>Speaker: Jörg Übermaß</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("]]>", Encoding.UTF8.GetString(Rss(SyndicationProfile.Standard)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SyndicationProfile.Standard)]
    [InlineData(SyndicationProfile.Campus)]
    public void CancelledSession_TitleIsPrefixed(SyndicationProfile profile)
    {
        var titles = RssXml(profile).Descendants("item").Select(i => i.Element("title")!.Value).ToList();
        Assert.Equal("Cancelled: Soldering for Everyone", titles[2]);
        Assert.Equal("Night Hack", titles[1]);
    }

    [Fact]
    public void Campus_PubDateIsSessionStartAndEndDateIsSessionEnd()
    {
        var document = SyndicationSamples.Document(FeedFormat.Rss, SyndicationProfile.Campus);
        var items = RssXml(SyndicationProfile.Campus).Descendants("item").ToList();
        for (var i = 0; i < items.Count; i++)
        {
            var session = document.Sessions[i];
            Assert.Equal(session.Start.ToDateTimeOffset(), ParseRfc822(items[i].Element("pubDate")!.Value));
            Assert.Equal(session.End.ToDateTimeOffset(), ParseRfc822(items[i].Element("endDate")!.Value));
            Assert.Single(items[i].Elements("pubDate"));
        }
    }

    [Fact]
    public void Campus_ItemHasExactlyTheGuideShape()
    {
        var items = RssXml(SyndicationProfile.Campus).Descendants("item").ToList();
        Assert.Equal(
            ["title", "description", "guid", "pubDate", "endDate", "image"],
            items[0].Elements().Select(e => e.Name.ToString()));
        Assert.Equal("https://conf.example.org/img/opening.png", items[0].Element("image")!.Element("url")!.Value);
        // No session image: the event image stands in, so the app does not guess an icon.
        Assert.Equal("https://conf.example.org/logo.png", items[1].Element("image")!.Element("url")!.Value);
        var channel = items[0].Parent!;
        Assert.Equal(
            ["title", "link", "description", "{http://www.w3.org/2005/Atom}link", "lastBuildDate"],
            channel.Elements().TakeWhile(e => e.Name != "item").Select(e => e.Name.ToString()));
    }

    [Theory]
    [InlineData(SyndicationProfile.Standard)]
    [InlineData(SyndicationProfile.Campus)]
    public void TitleContainingMarkup_IsEscaped(SyndicationProfile profile)
    {
        const string hostile = "Intro</title><script>alert(1)</script>";
        var document = SyndicationSamples.Document(FeedFormat.Rss, profile) with
        {
            Sessions = [SyndicationSamples.Opening with { Title = hostile }],
            Subtitle = "</title><script>x</script>",
        };
        var bytes = Render(document, FeedFormat.Rss);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.Contains("Intro&lt;/title&gt;&lt;script&gt;", text, StringComparison.Ordinal);
        var xml = Parse(bytes);
        Assert.Equal(hostile, xml.Descendants("item").Single().Element("title")!.Value);
        Assert.Equal("Sample Conf 2027 – </title><script>x</script>", xml.Root!.Element("channel")!.Element("title")!.Value);
    }

    [Fact]
    public void Standard_ChannelImageIsOnlyWrittenForFormatsRssAllows()
    {
        var channel = RssXml(SyndicationProfile.Standard).Root!.Element("channel")!;
        var image = channel.Element("image")!;
        Assert.Equal(["url", "title", "link"], image.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(channel.Element("title")!.Value, image.Element("title")!.Value);

        var svg = SyndicationSamples.Document(FeedFormat.Rss) with
        {
            Event = SyndicationSamples.Event with { ImageUrl = "https://conf.example.org/logo.svg" },
        };
        Assert.Null(Parse(Render(svg, FeedFormat.Rss)).Root!.Element("channel")!.Element("image"));
    }

    [Fact]
    public void EmptyDocument_IsStillAValidChannel()
    {
        var document = SyndicationSamples.Document(FeedFormat.Rss) with
        {
            Event = SyndicationSamples.Event with { Description = null, Url = null, ImageUrl = null },
            Sessions = [],
        };
        var channel = Parse(Render(document, FeedFormat.Rss)).Root!.Element("channel")!;
        Assert.Equal("Sessions of Sample Conf 2027.", channel.Element("description")!.Value);
        Assert.Equal("https://feeds.example.org/events/sample-conf.rss", channel.Element("link")!.Value);
        Assert.Null(channel.Element("image"));
        Assert.Empty(channel.Elements("item"));
    }
}
