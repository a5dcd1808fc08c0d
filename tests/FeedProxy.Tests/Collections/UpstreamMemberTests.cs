using System.Net;
using System.Xml.Linq;
using FeedProxy.Testing;
using FeedProxy.Tests.Upstream;

namespace FeedProxy.Tests.Collections;

/// <summary>A collection whose member is fed by a live upstream source (a real HTTP server on loopback).</summary>
public sealed class UpstreamMemberTests
{
    private static string Calendar(string title, string start, string end) => string.Join("\r\n",
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Club//Test//EN",
        "BEGIN:VEVENT", "UID:meetup-1@club.example", "DTSTAMP:20260101T000000Z",
        $"DTSTART:{start}", $"DTEND:{end}", $"SUMMARY:{title}", "LOCATION:Room 4", "END:VEVENT",
        "BEGIN:VEVENT", "UID:meetup-2@club.example", "DTSTAMP:20260101T000000Z",
        "DTSTART:20270402T170000Z", "DTEND:20270402T180000Z", "SUMMARY:Second Meetup", "END:VEVENT",
        "END:VCALENDAR", "");

    [Fact]
    public async Task UpstreamFedMember_IsServedInTheCollection_AndItsUpstreamEditMovesTheETagAndTheChangeFeed()
    {
        using var host = new SourceTestHost();
        host.Upstream.Set("/club.ics", Calendar("Club Meetup", "20270401T170000Z", "20270401T180000Z"), "text/calendar");
        _ = host.Factory.Host;
        var first = host.NextRefresh("club");
        using (var put = await host.PutSourceAsync("club", new { kind = "ics", url = host.Upstream.Url("/club.ics").AbsoluteUri, refreshSeconds = 1 }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        await first.WaitAsync(Eventually.Deadline);

        host.Factory.WriteCollection("campus", """{ "name": "Campus", "members": [ { "event": "testconf" }, { "event": "club" } ] }""");
        string? etag = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var feed = await host.FeedAsync("/collections/campus.ics");
            etag = feed.ETag;
            return feed.Status == HttpStatusCode.OK && feed.Body.Contains("SUMMARY:Club Meetup", StringComparison.Ordinal);
        }), "the upstream-fed member never appeared in the collection");
        var clubUids = (await host.FeedAsync("/events/club.ics")).Body.Split("\r\n").Where(l => l.StartsWith("UID:", StringComparison.Ordinal)).ToList();
        var collection = (await host.FeedAsync("/collections/campus.ics")).Body;
        Assert.Equal(2, clubUids.Count);
        Assert.All(clubUids, uid => Assert.Contains(uid + "\r\n", collection, StringComparison.Ordinal));
        foreach (var format in new[] { "xcs", "rss", "atom", "json", "rss?profile=campus" })
        {
            Assert.Equal(HttpStatusCode.OK, (await host.FeedAsync("/collections/campus." + format)).Status);
        }

        // Upstream moves the meetup: the collection's ETag moves, and one "moved" item appears.
        host.Upstream.Set("/club.ics", Calendar("Club Meetup", "20270401T190000Z", "20270401T200000Z"), "text/calendar");
        Assert.Equal("200", (await host.AdvanceToNextRefreshAsync("club", TimeSpan.FromSeconds(1))).LastResult);
        Assert.NotEqual(etag, (await host.FeedAsync("/collections/campus.ics")).ETag);
        var items = XDocument.Parse((await host.FeedAsync("/collections/campus/changes.rss")).Body).Descendants("item").ToList();
        var item = Assert.Single(items);
        Assert.Equal("Moved: Club Meetup", item.Element("title")!.Value);
        Assert.Contains("Thu 1 Apr 2027, 17:00–18:00", item.Element("description")!.Value, StringComparison.Ordinal);
        Assert.Contains("Thu 1 Apr 2027, 19:00–20:00", item.Element("description")!.Value, StringComparison.Ordinal);
    }
}
