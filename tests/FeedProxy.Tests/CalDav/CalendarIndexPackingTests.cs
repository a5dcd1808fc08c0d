using System.Text;
using FeedProxy.CalDav;
using NodaTime;

namespace FeedProxy.Tests.CalDav;

/// <summary>The packed index read in place, and deltas computed on the manifests' bytes.</summary>
public sealed class CalendarIndexPackingTests
{
    private static CalendarIndex Index(params (string Name, string Body)[] objects) =>
        new([.. objects.OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => new CalendarEntry(o.Name, CalendarIndex.ETagOf(Encoding.UTF8.GetBytes(o.Body)), Encoding.UTF8.GetBytes(o.Body)))],
            new Dictionary<string, string> { ["X-WR-CALNAME"] = "Conf" }, Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\r\n"), Instant.FromUnixTimeSeconds(1_800_000_000));

    [Fact]
    public void Unpacked_HasTheSameTokenManifestAndObjects_AndFindsByName()
    {
        var index = Index(("b.ics", "B"), ("a.ics", "A"), ("c.ics", "C & <c>"));
        var unpacked = CalendarIndex.Unpack(index.Pack())!;
        Assert.Equal(index.Token, unpacked.Token);
        Assert.Equal(index.Manifest.ToArray(), unpacked.Manifest.ToArray());
        Assert.Equal(index.Entries.Select(e => (e.Name, e.ETag, Encoding.UTF8.GetString(e.Data.Span))), unpacked.Entries.Select(e => (e.Name, e.ETag, Encoding.UTF8.GetString(e.Data.Span))));
        Assert.Equal("C & <c>", Encoding.UTF8.GetString(unpacked.Find("c.ics")!.Data.Span));
        Assert.Null(unpacked.Find("d.ics"));
        Assert.Null(unpacked.Find("0.ics"));
        Assert.Equal("Conf", unpacked.Properties["X-WR-CALNAME"]);
        Assert.Null(CalendarIndex.Unpack(index.Pack().AsMemory()[..^3]));
    }

    [Fact]
    public void FromFeed_PacksInPlace_WithTheObjectsETagsAndTokenOfTheSplit()
    {
        var feed = Encoding.UTF8.GetBytes(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nX-WR-CALNAME:Conf\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
            + "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nEND:VTIMEZONE\r\n"
            + "BEGIN:VEVENT\r\nUID:b-1@x\r\nDTSTART;TZID=Europe/Berlin:20270101T100000\r\nSUMMARY:B é\r\nEND:VEVENT\r\n"
            + "BEGIN:VEVENT\r\nUID:a-1@x\r\nSUMMARY:A\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        var at = Instant.FromUnixTimeSeconds(1_800_000_000);
        var index = CalendarIndex.FromFeed(feed, at);
        var split = FeedProxy.Formats.ICalendar.CalendarObjectSplitter.Split(feed);
        var expected = new CalendarIndex(
            [.. split.Objects.Select(o => new CalendarEntry(CalendarIndex.NameFor(o.Uid), CalendarIndex.ETagOf(o.Data.Span), o.Data)).OrderBy(e => e.Name, StringComparer.Ordinal)],
            split.Properties, split.TimeZones["Europe/Berlin"], at);
        Assert.Equal(expected.Token, index.Token);
        Assert.Equal(expected.Manifest.ToArray(), index.Manifest.ToArray());
        Assert.Equal(expected.Entries.Select(e => (e.Name, e.ETag, Encoding.UTF8.GetString(e.Data.Span))), index.Entries.Select(e => (e.Name, e.ETag, Encoding.UTF8.GetString(e.Data.Span))));
        Assert.Equal(expected.TimeZone.ToArray(), index.TimeZone.ToArray());
        Assert.Equal(expected.Pack(), index.Pack());
    }

    [Fact]
    public void FromFeed_WithTheWritersSpans_PacksTheSameIndexAsReadingTheFeed()
    {
        var json = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(FeedProxy.Testing.RepositoryPaths.DemoEvent), FeedProxy.Formats.Json.EventJsonContext.Default.EventJson)!;
        var demo = FeedProxy.Formats.Json.EventJsonMapper.ToModel(json, Instant.FromUtc(2000, 1, 1, 0, 0), "demo");
        var document = new FeedProxy.Formats.Feeds.FeedDocument
        {
            Event = demo,
            Sessions = demo.Sessions,
            SelfUrl = new Uri("https://feeds.example.org/events/demo.ics"),
            UidDomain = "feeds.example.org",
        };
        var feed = FeedProxy.Feeds.FeedRenderer.RenderIdentity(document, FeedProxy.Formats.Feeds.FeedFormat.ICalendar);
        Assert.NotNull(feed.Events);
        Assert.Equal(feed.Events, FeedProxy.Feeds.FeedRenderer.With(feed, FeedProxy.Feeds.ContentCoding.Gzip).WithLastModified(feed.LastModified).Events);
        Assert.Null(FeedProxy.Feeds.FeedRenderer.Complete(feed).Events);
        var recorded = CalendarIndex.FromFeed(feed.Identity.Span, feed.LastModified, feed.Events);
        var read = CalendarIndex.FromFeed(feed.Identity.Span, feed.LastModified);
        Assert.True(recorded.Entries.Count > 1);
        Assert.Equal(read.Pack(), recorded.Pack());
    }

    [Fact]
    public void Diff_ListsChangedAndNewObjectsByPosition_AndGoneOnesByName()
    {
        var before = Index(("a.ics", "A"), ("b.ics", "B"), ("c.ics", "C"), ("e.ics", "E"));
        var now = Index(("a.ics", "A"), ("b.ics", "B2"), ("d.ics", "D"), ("e.ics", "E"), ("f.ics", "F"));
        var changed = new List<int>();
        var gone = new List<string>();
        ManifestDiff.Compare(before.Manifest.Span, now.Manifest.Span, changed, gone);
        Assert.Equal(["b.ics", "d.ics", "f.ics"], changed.Select(i => now.Entries[i].Name));
        Assert.Equal(["c.ics"], gone);

        changed.Clear();
        ManifestDiff.Compare(now.Manifest.Span, now.Manifest.Span, changed, gone);
        Assert.Empty(changed);
        ManifestDiff.Compare(default, now.Manifest.Span, changed, gone);
        Assert.Equal(5, changed.Count);
    }
}
