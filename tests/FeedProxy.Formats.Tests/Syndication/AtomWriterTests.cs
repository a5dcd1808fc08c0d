using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Tests.Support;
using static FeedProxy.Formats.Tests.Syndication.SyndicationTestKit;

namespace FeedProxy.Formats.Tests.Syndication;

public sealed partial class AtomWriterTests
{
    private static readonly XNamespace A = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Ev = "http://purl.org/rss/1.0/modules/event/";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex Rfc3339Utc();

    private static byte[] Atom(SyndicationProfile profile) =>
        Render(SyndicationSamples.Document(FeedFormat.Atom, profile), FeedFormat.Atom);

    private static XDocument AtomXml(SyndicationProfile profile) => Parse(Atom(profile));

    [Fact]
    public void Standard_MatchesGoldenFile() => AssertGolden("syndication.atom", Atom(SyndicationProfile.Standard));

    [Fact]
    public void Campus_MatchesGoldenFile() => AssertGolden("syndication-campus.atom", Atom(SyndicationProfile.Campus));

    [Theory]
    [InlineData(SyndicationProfile.Standard)]
    [InlineData(SyndicationProfile.Campus)]
    public void Output_IsWellFormedAtomWithoutBom(SyndicationProfile profile)
    {
        var bytes = Atom(profile);
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        var xml = Parse(bytes);
        Assert.Equal(A + "feed", xml.Root!.Name);
        Assert.Equal(3, xml.Root.Elements(A + "entry").Count());
        Assert.Equal(Atom(profile), bytes);
    }

    [Fact]
    public void Standard_DatesAreRfc3339Utc()
    {
        var xml = AtomXml(SyndicationProfile.Standard);
        var dates = xml.Descendants().Where(e => e.Name == A + "updated" || e.Name == A + "published").ToList();
        Assert.Equal(1 + (2 * 3), dates.Count);
        Assert.All(dates, d => Assert.Matches(Rfc3339Utc(), d.Value));
        Assert.Equal("2027-03-20T17:45:00Z", xml.Root!.Element(A + "updated")!.Value);
    }

    [Fact]
    public void Standard_FeedHasRequiredElements()
    {
        var feed = AtomXml(SyndicationProfile.Standard).Root!;
        Assert.Equal("tag:feeds.example.org,2024:events/sample-conf", feed.Element(A + "id")!.Value);
        Assert.Equal("Sample Conf 2027", feed.Element(A + "title")!.Value);
        Assert.Equal("Sample Conf 2027", feed.Element(A + "author")!.Element(A + "name")!.Value);
        var self = feed.Elements(A + "link").Single(l => l.Attribute("rel")!.Value == "self");
        Assert.Equal("https://feeds.example.org/events/sample-conf.atom", self.Attribute("href")!.Value);
        Assert.Equal("application/atom+xml", self.Attribute("type")!.Value);
        var alternate = feed.Elements(A + "link").Single(l => l.Attribute("rel")!.Value == "alternate");
        Assert.Equal("https://conf.example.org/2027/", alternate.Attribute("href")!.Value);
        Assert.Equal("https://conf.example.org/logo.png", feed.Element(A + "logo")!.Value);
    }

    [Fact]
    public void Standard_EntriesCarryIdsAuthorsContentAndEventModule()
    {
        var entries = AtomXml(SyndicationProfile.Standard).Root!.Elements(A + "entry").ToList();
        Assert.Equal("tag:feeds.example.org,2024:events/sample-conf/sessions/opening", entries[0].Element(A + "id")!.Value);
        Assert.Equal("2027-03-10T10:00:05Z", entries[0].Element(A + "updated")!.Value);
        Assert.Equal("2027-03-10T10:00:05Z", entries[0].Element(A + "published")!.Value);
        Assert.Equal(["Zoë Ångström", "田中 花子"], entries[1].Elements(A + "author").Select(a => a.Element(A + "name")!.Value));
        var content = entries[0].Element(A + "content")!;
        Assert.Equal("html", content.Attribute("type")!.Value);
        Assert.Contains("a &lt; b &amp;&amp; c &gt; d.<br />A CDATA end ]]&gt;", content.Value, StringComparison.Ordinal);
        var enclosure = entries[0].Elements(A + "link").Single(l => l.Attribute("rel")!.Value == "enclosure");
        Assert.Equal("image/png", enclosure.Attribute("type")!.Value);
        Assert.Equal(["Security", "Talk"], entries[0].Elements(A + "category").Select(c => c.Attribute("term")!.Value));
        Assert.Equal("2027-03-28T03:30:00+02:00", entries[1].Element(Ev + "enddate")!.Value);
        Assert.Equal("Cancelled: Soldering for Everyone", entries[2].Element(A + "title")!.Value);
    }

    [Fact]
    public void Campus_PublishedIsSessionStartAndEndDateIsSessionEnd()
    {
        var document = SyndicationSamples.Document(FeedFormat.Atom, SyndicationProfile.Campus);
        var entries = AtomXml(SyndicationProfile.Campus).Root!.Elements(A + "entry").ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            var session = document.Sessions[i];
            Assert.Equal(session.Start.ToDateTimeOffset(), RssWriterTests.ParseRfc822(entries[i].Element(A + "published")!.Value));
            Assert.Equal(session.End.ToDateTimeOffset(), RssWriterTests.ParseRfc822(entries[i].Element(A + "endDate")!.Value));
            Assert.Equal(document.UidOf(session), entries[i].Element(A + "id")!.Value);
        }
    }

    [Fact]
    public void Campus_EntriesCarryRfc3339Updated_ForGenericReaders_AndKeepTheGuidesPublished()
    {
        var document = SyndicationSamples.Document(FeedFormat.Atom, SyndicationProfile.Campus);
        var entries = AtomXml(SyndicationProfile.Campus).Root!.Elements(A + "entry").ToList();
        Assert.Equal(document.Sessions.Count, entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var updated = entries[i].Element(A + "updated")!.Value;
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", updated);
            Assert.Equal(document.Sessions[i].LastModified.ToDateTimeOffset(), DateTimeOffset.Parse(updated, System.Globalization.CultureInfo.InvariantCulture));
            // The campus app's own field is still RFC 822 and still the session start.
            Assert.Equal(document.Sessions[i].Start.ToDateTimeOffset(), RssWriterTests.ParseRfc822(entries[i].Element(A + "published")!.Value));
        }
    }

    [Fact]
    public void Campus_EntryHasExactlyTheGuideShape()
    {
        var feed = AtomXml(SyndicationProfile.Campus).Root!;
        var entries = feed.Elements(A + "entry").ToList();
        Assert.Equal(
            ["title", "content", "id", "published", "endDate", "image", "updated"],
            entries[0].Elements().Select(e => e.Name.LocalName));
        Assert.Equal("https://conf.example.org/logo.png", entries[1].Element(A + "image")!.Element(A + "url")!.Value);
        Assert.Equal(
            ["id", "title", "updated", "link", "link", "subtitle"],
            feed.Elements().TakeWhile(e => e.Name != A + "entry").Select(e => e.Name.LocalName));
        // The un-prefixed campus elements are written exactly as the guide shows them.
        Assert.Contains("<endDate>Sun, 28 Mar 2027 01:30:00 +0000</endDate>", Encoding.UTF8.GetString(Atom(SyndicationProfile.Campus)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SyndicationProfile.Standard)]
    [InlineData(SyndicationProfile.Campus)]
    public void TitleContainingMarkup_IsEscaped(SyndicationProfile profile)
    {
        const string hostile = "Intro</title><script>alert(1)</script>";
        var document = SyndicationSamples.Document(FeedFormat.Atom, profile) with
        {
            Sessions = [SyndicationSamples.Opening with { Title = hostile }],
        };
        var bytes = Render(document, FeedFormat.Atom);
        Assert.DoesNotContain("<script>", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(hostile, Parse(bytes).Root!.Element(A + "entry")!.Element(A + "title")!.Value);
    }

    [Fact]
    public void Ids_EscapeCharactersOutsideTagUriSyntax()
    {
        var document = SyndicationSamples.Document(FeedFormat.Atom) with
        {
            Sessions = [SyndicationSamples.Opening with { Id = "a b/ü" }],
        };
        var id = Parse(Render(document, FeedFormat.Atom)).Root!.Element(A + "entry")!.Element(A + "id")!.Value;
        Assert.Equal("tag:feeds.example.org,2024:events/sample-conf/sessions/a%20b%2F%C3%BC", id);
        Assert.True(Uri.TryCreate(id, UriKind.Absolute, out _), id);
    }
}
