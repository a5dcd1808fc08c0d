using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Collections;

public sealed partial class CollectionHttpTests : IDisposable
{
    private const string Token = "test-admin-token-0123456789";
    private static readonly string[] Formats = ["ics", "xcs", "rss", "atom", "json"];
    private readonly FeedProxyFactory _factory = new();

    public CollectionHttpTests()
    {
        _factory.Settings["FeedProxy:AdminToken"] = Token;
        // A second event in another zone: a collection must carry both VTIMEZONEs.
        _factory.WriteEvent("nyc", NewYorkEvent("Keynote in New York"));
        _factory.WriteCollection("both", """
        { "name": "Both Conferences", "description": "Hamburg and New York together.",
          "members": [ { "event": "testconf" }, { "event": "nyc" } ] }
        """);
        _factory.WriteCollection("security", """
        { "name": "Security only", "members": [ { "event": "testconf", "filters": { "track": ["Security"] } } ] }
        """);
    }

    public void Dispose() => _factory.Dispose();

    private static string NewYorkEvent(string title) => $$"""
    {
      "name": "NYC Meetup", "timeZone": "America/New_York", "lastModified": "2027-01-10T12:00:00Z",
      "rooms": [ { "id": "loft", "name": "The Loft" } ],
      "sessions": [
        { "id": "k1", "title": "{{title}}", "start": "2027-03-27T18:00:00-04:00", "end": "2027-03-27T19:00:00-04:00", "room": "loft" },
        { "id": "s1", "title": "Same Id As Hamburg", "start": "2027-03-28T18:00:00-04:00", "end": "2027-03-28T19:00:00-04:00" },
        { "id": "x1", "title": "Secret Draft In NYC", "start": "2027-03-28T18:00:00-04:00", "end": "2027-03-28T19:00:00-04:00", "state": "draft" }
      ]
    }
    """;

    private static IEnumerable<string> Uids(string ics) =>
        UidLine().Matches(ics).Select(m => m.Groups[1].Value.Trim());

    [GeneratedRegex(@"^UID:(.+)$", RegexOptions.Multiline)]
    private static partial Regex UidLine();

    [Fact]
    public async Task Collection_IsServedInEveryFormatWithTheMembersOwnUids()
    {
        var client = _factory.CreatePlainClient();
        foreach (var format in Formats)
        {
            using var response = await client.GetAsync($"/collections/both.{format}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(response.Headers.ETag);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("Both Conferences", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Secret", body, StringComparison.Ordinal);
            Assert.DoesNotContain(TestEvents.SecretEmail, body, StringComparison.Ordinal);
        }

        var ics = await client.GetStringAsync("/collections/both.ics");
        var eventUids = Uids(await client.GetStringAsync("/events/testconf.ics")).Concat(Uids(await client.GetStringAsync("/events/nyc.ics"))).Order().ToList();
        Assert.Equal(eventUids, Uids(ics).Order().ToList());
        Assert.Contains("UID:s1-testconf@tests.feedproxy.example", ics, StringComparison.Ordinal);
        Assert.Contains("UID:s1-nyc@tests.feedproxy.example", ics, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(ics, "^TZID:Europe/Berlin", RegexOptions.Multiline));
        Assert.Equal(1, Regex.Count(ics, "^TZID:America/New_York", RegexOptions.Multiline));
        Assert.Contains("DTSTART;TZID=America/New_York:20270327T180000", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("X-WR-TIMEZONE", ics, StringComparison.Ordinal);
        Assert.Contains("X-WR-CALDESC:Hamburg and New York together.", ics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collection_TakesTheOptionsOfEventFeeds()
    {
        var client = _factory.CreatePlainClient();
        foreach (var url in new[] { "/collections/both.ics?tz=utc", "/collections/both.xcs?dialect=pentabarf", "/collections/both.rss?profile=campus", "/collections/both.atom?profile=campus" })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var utc = await client.GetStringAsync("/collections/both.ics?tz=utc");
        Assert.DoesNotContain("VTIMEZONE", utc, StringComparison.Ordinal);
        Assert.Contains("DTSTART:20270327T220000Z", utc, StringComparison.Ordinal);
        var campus = await client.GetStringAsync("/collections/both.rss?profile=campus");
        Assert.Contains("<guid isPermaLink=\"false\">k1-nyc@tests.feedproxy.example</guid>", campus, StringComparison.Ordinal);

        using var filtered = await client.GetAsync("/collections/both.ics?track=security");
        Assert.Equal(HttpStatusCode.BadRequest, filtered.StatusCode);
        using var missing = await client.GetAsync("/collections/nope.ics");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var bad = await client.GetAsync("/collections/..%2Fetc.ics");
        Assert.True(bad.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Collection_ConditionalRequestsAndCompressionWorkAsForEvents()
    {
        var client = _factory.CreatePlainClient();
        using var first = await client.GetAsync("/collections/both.ics");
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/collections/both.ics");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var gzip = new HttpRequestMessage(HttpMethod.Get, "/collections/both.ics");
        gzip.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var compressed = await client.SendAsync(gzip);
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.NotEqual(first.Headers.ETag, compressed.Headers.ETag);
    }

    [Fact]
    public async Task MemberFilters_SelectOnlyMatchingSessions()
    {
        var ics = await _factory.CreatePlainClient().GetStringAsync("/collections/security.ics");
        Assert.Equal(["s1-testconf@tests.feedproxy.example"], Uids(ics).ToList());
    }

    [Fact]
    public async Task MemberEdit_ChangesTheCollectionETag_AndAnUnrelatedTouchDoesNot()
    {
        var client = _factory.CreatePlainClient();
        using var before = await client.GetAsync("/collections/security.ics");
        var etag = before.Headers.ETag!.ToString();

        // NYC is not in "security": editing it must leave the ETag alone. Checked once the store
        // has the edit (NYC's own feed shows it), not after a sleep the reload may outlast.
        _factory.WriteEvent("nyc", NewYorkEvent("Renamed Keynote"));
        Assert.Contains("Renamed Keynote", await Eventually.ValueAsync(() => client.GetStringAsync("/events/nyc.ics"), ics => ics.Contains("Renamed Keynote", StringComparison.Ordinal)), StringComparison.Ordinal);
        using var unrelated = await client.GetAsync("/collections/security.ics");
        Assert.Equal(etag, unrelated.Headers.ETag!.ToString());

        using var changed = StoreChangeWatch.Start(_factory.Services, "testconf");
        _factory.WriteEvent("testconf", TestEvents.Conference(title: "Renamed Security Talk"));
        var now = await Eventually.ValueAsync(
            async () =>
            {
                using var response = await client.GetAsync("/collections/security.ics");
                return response.Headers.ETag!.ToString();
            },
            tag => tag != etag);

        Assert.NotEqual(etag, now);
        // The 1 s acceptance bound of a file edit is FileReloadTests' and the PostgreSQL
        // two-instance scenario's; here 2 s, timed from the write to the store's own signal (the
        // collection's ETag follows its member's version), not to the test's next render.
        var elapsed = await changed.ElapsedAsync();
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task UnpublishedMember_DisappearsFromTheCollection()
    {
        var client = _factory.CreatePlainClient();
        _factory.WriteEvent("nyc", NewYorkEvent("Keynote in New York").Replace("\"name\": \"NYC Meetup\",", "\"name\": \"NYC Meetup\", \"published\": false,", StringComparison.Ordinal));
        var ics = await Eventually.ValueAsync(() => client.GetStringAsync("/collections/both.ics"), body => !body.Contains("-nyc@", StringComparison.Ordinal));

        Assert.DoesNotContain("-nyc@", ics, StringComparison.Ordinal);
        Assert.Contains("s1-testconf@", ics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectionFile_IsHotReloaded_AndAnInvalidEditKeepsTheLastGoodVersion()
    {
        var client = _factory.CreatePlainClient();
        Assert.Contains("X-WR-CALNAME:Security only", await client.GetStringAsync("/collections/security.ics"), StringComparison.Ordinal);

        _factory.WriteCollection("security", """{ "name": "Security, renamed", "members": [ { "event": "testconf", "filters": { "track": ["security"] } } ] }""");
        Assert.Contains("X-WR-CALNAME:Security\\, renamed", await client.GetStringAsync("/collections/security.ics"), StringComparison.Ordinal);

        _factory.WriteCollection("security", """{ "name": "half-saved", "members": [ { "event": """);
        Assert.Contains("X-WR-CALNAME:Security\\, renamed", await client.GetStringAsync("/collections/security.ics"), StringComparison.Ordinal);

        File.Delete(Path.Combine(_factory.CollectionsPath, "security.json"));
        using var gone = await client.GetAsync("/collections/security.ics");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task SubscribePage_ListsFormatsAndTheChangeFeed()
    {
        var client = _factory.CreatePlainClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/collections/both");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Both Conferences", html, StringComparison.Ordinal);
        Assert.Contains("/collections/both/changes.rss", html, StringComparison.Ordinal);
        Assert.Contains("webcal://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", html, StringComparison.Ordinal);

        // A calendar client (no Accept) is never handed the page: it gets the iCalendar feed.
        using var calendarClient = await client.GetAsync("/collections/both");
        Assert.Equal(HttpStatusCode.OK, calendarClient.StatusCode);
        Assert.Equal("text/calendar", calendarClient.Content.Headers.ContentType!.MediaType);
    }

    private static HttpRequestMessage Admin(HttpMethod method, string url, string? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    [Fact]
    public async Task AdminApi_CreatesReadsAndDeletesCollections_AndRejectsBadBodies()
    {
        var client = _factory.CreatePlainClient();
        using (var created = await client.SendAsync(Admin(HttpMethod.Put, "/admin/collections/web",
            """{ "name": "Web", "members": [ { "event": "testconf", "filters": { "track": ["web"], "lang": ["de"] } } ] }""")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(["s2-testconf@tests.feedproxy.example"], Uids(await client.GetStringAsync("/collections/web.ics")).ToList());
        using (var read = await client.SendAsync(Admin(HttpMethod.Get, "/admin/collections/web")))
        {
            Assert.Contains("\"track\"", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var replaced = await client.SendAsync(Admin(HttpMethod.Put, "/admin/collections/web", """{ "name": "Web", "members": [ { "event": "testconf" } ] }""")))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }

        foreach (var body in new[]
        {
            """{ "members": [] }""",
            """{ "name": "x", "members": [ { "event": "../etc" } ] }""",
            """{ "name": "x", "members": [ { "event": "testconf", "filters": { "colour": ["red"] } } ] }""",
            """{ "name": "x", "members": [ { "event": "testconf", "filters": { "track": ["no-such-track"] } } ] }""",
            """{ "name": "x", "visibility": "secret", "members": [] }""",
            """not json""",
        })
        {
            using var rejected = await client.SendAsync(Admin(HttpMethod.Put, "/admin/collections/bad", body));
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        }

        using (var list = await client.SendAsync(Admin(HttpMethod.Get, "/admin/collections")))
        {
            var text = await list.Content.ReadAsStringAsync();
            Assert.Contains("\"web\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"bad\"", text, StringComparison.Ordinal);
        }

        using (var deleted = await client.SendAsync(Admin(HttpMethod.Delete, "/admin/collections/web")))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await client.GetAsync("/collections/web.ics");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
    }

    [Fact]
    public async Task PrivateCollection_IsServedOnlyUnderItsRotatableToken()
    {
        var client = _factory.CreatePlainClient();
        _factory.WriteEvent("hidden", TestEvents.Conference(id: "hidden", visibility: "private"));
        using (var put = await client.SendAsync(Admin(HttpMethod.Put, "/admin/collections/team",
            """{ "name": "Team", "visibility": "private", "members": [ { "event": "hidden" }, { "event": "nyc" } ] }""")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using (var open = await client.GetAsync("/collections/team.ics"))
        {
            Assert.Equal(HttpStatusCode.NotFound, open.StatusCode);
        }

        using var rotate = await client.SendAsync(Admin(HttpMethod.Post, "/admin/collections/team/token"));
        var token = System.Text.Json.JsonDocument.Parse(await rotate.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
        // The file store picks the new event file up within its reload interval; until then the
        // collection is served without that member, so poll instead of asking once.
        var (served, ics) = await Eventually.ValueAsync(
            async () =>
            {
                var response = await client.GetAsync($"/private/{token}/collections/team.ics");
                return (Response: response, Body: await response.Content.ReadAsStringAsync());
            },
            sample => sample.Body.Contains("s1-hidden@", StringComparison.Ordinal));

        using var _ = served;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.True(served.Headers.CacheControl!.Private);
        Assert.Contains("s1-hidden@", ics, StringComparison.Ordinal);
        Assert.Contains("k1-nyc@", ics, StringComparison.Ordinal);

        // A private event is never shown through a public collection.
        _factory.WriteCollection("leak", """{ "name": "Leak", "members": [ { "event": "hidden" } ] }""");
        Assert.DoesNotContain("BEGIN:VEVENT", await client.GetStringAsync("/collections/leak.ics"), StringComparison.Ordinal);

        using var again = await client.SendAsync(Admin(HttpMethod.Post, "/admin/collections/team/token"));
        using var old = await client.GetAsync($"/private/{token}/collections/team.ics");
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
    }
}
