using System.Net;
using System.Xml.Linq;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Changes;

public sealed class ChangeFeedHttpTests : IDisposable
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private readonly FeedProxyFactory _factory = new();

    public ChangeFeedHttpTests() =>
        _factory.WriteCollection("all", """{ "name": "All", "members": [ { "event": "testconf" } ] }""");

    public void Dispose() => _factory.Dispose();

    private static List<XElement> Items(string rss) => XDocument.Parse(rss).Descendants("item").ToList();

    /// <summary>
    /// Writes the event's file and waits until the store has the new version (its Changed
    /// signal; an edit of non-public sessions only changes no public feed's ETag to wait for).
    /// </summary>
    private async Task EditAsync(string json)
    {
        using var changed = StoreChangeWatch.Start(_factory.Services, "testconf");
        _factory.WriteEvent("testconf", json);
        await changed.ElapsedAsync();
    }

    [Fact]
    public async Task NewEvent_HasAnEmptyChangeFeed()
    {
        var client = _factory.CreatePlainClient();
        foreach (var url in new[] { "/events/testconf/changes.rss", "/collections/all/changes.rss" })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/rss+xml", response.Content.Headers.ContentType!.MediaType);
            Assert.Empty(Items(await response.Content.ReadAsStringAsync()));
        }

        using var atom = await client.GetAsync("/events/testconf/changes.atom");
        Assert.Equal("application/atom+xml", atom.Content.Headers.ContentType!.MediaType);
        using var missing = await client.GetAsync("/events/nope/changes.rss");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task MovingASession_YieldsExactlyOneMovedItemWithBothTimes_InEventAndCollectionFeeds()
    {
        var client = _factory.CreatePlainClient();
        var moved = TestEvents.Conference()
            .Replace("\"start\": \"2027-03-27T10:00:00+01:00\", \"end\": \"2027-03-27T10:45:00+01:00\"", "\"start\": \"2027-03-27T14:00:00+01:00\", \"end\": \"2027-03-27T14:45:00+01:00\"", StringComparison.Ordinal)
            .Replace("\"room\": \"hall-a\", \"type\": \"Talk\"", "\"room\": \"room-1\", \"type\": \"Talk\"", StringComparison.Ordinal);
        Assert.NotEqual(TestEvents.Conference(), moved);
        await EditAsync(moved);

        foreach (var url in new[] { "/events/testconf/changes.rss", "/collections/all/changes.rss" })
        {
            var item = Assert.Single(Items(await client.GetStringAsync(url)));
            Assert.Equal("Moved: Parsing Calendars Safely", item.Element("title")!.Value);
            var description = item.Element("description")!.Value;
            Assert.Contains("Sat 27 Mar 2027, 10:00–10:45 (Europe/Berlin), Hall A", description, StringComparison.Ordinal);
            Assert.Contains("Sat 27 Mar 2027, 14:00–14:45 (Europe/Berlin), Room 1", description, StringComparison.Ordinal);
            Assert.Equal("https://conf.example.org/s1", item.Element("link")!.Value);
            Assert.StartsWith("tag:tests.feedproxy.example,2024:events/testconf/sessions/s1/changes/", item.Element("guid")!.Value, StringComparison.Ordinal);
        }

        var entry = Assert.Single(XDocument.Parse(await client.GetStringAsync("/events/testconf/changes.atom")).Descendants(Atom + "entry"));
        Assert.Equal("Moved: Parsing Calendars Safely", entry.Element(Atom + "title")!.Value);
    }

    [Fact]
    public async Task ReimportingIdenticalData_YieldsNoItem_AndGuidsAreStable()
    {
        var client = _factory.CreatePlainClient();
        await EditAsync(TestEvents.Conference(title: "Retitled Talk"));
        var first = Items(await client.GetStringAsync("/events/testconf/changes.rss"));
        var item = Assert.Single(first);
        Assert.Equal("Retitled: Retitled Talk (was Parsing Calendars Safely)", item.Element("title")!.Value);

        // The same content again (a new write time): no news.
        _factory.WriteEvent("testconf", TestEvents.Conference(title: "Retitled Talk"));
        File.SetLastWriteTimeUtc(Path.Combine(_factory.EventsPath, "testconf.json"), DateTime.UtcNow.AddSeconds(5));
        await _factory.WaitForReloadAsync();
        var again = Items(await client.GetStringAsync("/events/testconf/changes.rss"));
        Assert.Equal(item.Element("guid")!.Value, Assert.Single(again).Element("guid")!.Value);
    }

    [Fact]
    public async Task ChangesToNonPublicSessionsOnly_NeverAppear()
    {
        var client = _factory.CreatePlainClient();
        var edited = TestEvents.Conference()
            .Replace("Secret Draft Session", "Secret Draft Renamed", StringComparison.Ordinal)
            .Replace("\"title\": \"Secret Withdrawn Session\", \"start\": \"2027-03-27T15:00:00+01:00\"", "\"title\": \"Secret Withdrawn Session\", \"start\": \"2027-03-27T18:00:00+01:00\"", StringComparison.Ordinal);
        await EditAsync(edited);
        var rss = await client.GetStringAsync("/events/testconf/changes.rss");
        Assert.Empty(Items(rss));
        Assert.DoesNotContain("Secret", rss, StringComparison.Ordinal);
        Assert.DoesNotContain(TestEvents.SecretEmail, rss, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingAndAdding_AreOneItemEach_AndSurviveARestart()
    {
        var client = _factory.CreatePlainClient();
        var edited = TestEvents.Conference()
            .Replace("\"state\": \"accepted\"", "\"state\": \"cancelled\"", StringComparison.Ordinal)
            .Replace("\"state\": \"draft\"", "\"state\": \"confirmed\"", StringComparison.Ordinal);
        await EditAsync(edited);
        var titles = Items(await client.GetStringAsync("/events/testconf/changes.rss")).Select(i => i.Element("title")!.Value).Order().ToList();
        Assert.Equal(["Cancelled: After the Clocks Change 🕑", "New: Secret Draft Session"], titles);

        // A second host over the same folders (a restart): the log is kept, nothing is re-reported.
        using var restarted = new FeedProxyFactoryOver(_factory);
        var after = Items(await restarted.CreateClient().GetStringAsync("/events/testconf/changes.rss"));
        Assert.Equal(2, after.Count);
    }

    [Fact]
    public async Task EventSubscribePage_LinksTheChangeFeed()
    {
        var client = _factory.CreatePlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/testconf");
        request.Headers.Accept.ParseAdd("text/html");
        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Changes: Test Conference\" href=\"http://localhost/events/testconf/changes.rss\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"http://localhost/events/testconf/changes.atom\"", html, StringComparison.Ordinal);
    }

    /// <summary>Another application instance over an existing factory's folders.</summary>
    private sealed class FeedProxyFactoryOver(FeedProxyFactory original) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseSetting("FeedProxy:EventsPath", original.EventsPath);
            builder.UseSetting("FeedProxy:StatePath", Path.Combine(original.Root, "state"));
            builder.UseSetting("FeedProxy:CollectionsPath", original.CollectionsPath);
            builder.UseSetting("FeedProxy:UidDomain", "tests.feedproxy.example");
            builder.UseSetting("FeedProxy:RateLimit:PermitsPerMinute", "0");
        }
    }
}
