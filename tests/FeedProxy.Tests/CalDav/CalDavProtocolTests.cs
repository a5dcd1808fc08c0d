using System.Net;
using FeedProxy.Private;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static FeedProxy.Tests.CalDav.CalDavRequests;

namespace FeedProxy.Tests.CalDav;

/// <summary>The CalDAV tree over HTTP (file store): objects, properties, reports, refusals and privacy.</summary>
public sealed class CalDavProtocolTests : IDisposable
{
    private const string Calendar = "/dav/calendars/davconf/";
    private readonly FeedProxyFactory _factory = new();
    private readonly HttpClient _client;

    public CalDavProtocolTests()
    {
        _factory.WriteEvent(CalDavSchedule.Id, CalDavSchedule.Json());
        _factory.WriteEvent("hidden", CalDavSchedule.Json(visibility: "private"));
        _client = _factory.CreatePlainClient();
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task WellKnown_RedirectsToTheDavRoot_WhichNamesThePrincipalAndHome()
    {
        using var redirect = await _client.SendAsync("PROPFIND", "/.well-known/caldav", depth: "0");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal("/dav/", redirect.Headers.Location!.OriginalString);

        using var root = await _client.SendAsync("PROPFIND", "/dav/", Propfind(D + "current-user-principal"), "0");
        Assert.Equal("/dav/principal/", (await root.MultistatusAsync()).Descendants(D + "current-user-principal").Single().Element(D + "href")!.Value);
        using var principal = await _client.SendAsync("PROPFIND", "/dav/principal/", Propfind(C + "calendar-home-set"), "0");
        Assert.Equal("/dav/calendars/", (await principal.MultistatusAsync()).Descendants(C + "calendar-home-set").Single().Element(D + "href")!.Value);
    }

    [Fact]
    public async Task Options_AdvertisesCalendarAccessAndOnlyReadMethods()
    {
        using var response = await _client.SendAsync("OPTIONS", Calendar);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1, 3, calendar-access", string.Join(", ", response.Headers.GetValues("DAV")));
        Assert.Equal("OPTIONS, GET, HEAD, PROPFIND, REPORT", string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task Home_ListsPublicCalendarsOnly_WithTheirProperties()
    {
        using var response = await _client.SendAsync("PROPFIND", "/dav/calendars/",
            Propfind(D + "resourcetype", D + "displayname", D + "sync-token", C + "supported-calendar-component-set", C + "calendar-timezone-id"), "1");
        var multistatus = await response.MultistatusAsync();
        var hrefs = multistatus.Hrefs();
        Assert.Contains(Calendar, hrefs);
        Assert.Contains("/dav/calendars/testconf/", hrefs);
        Assert.DoesNotContain(hrefs, h => h.Contains("hidden", StringComparison.Ordinal));
        var calendar = multistatus.Elements(D + "response").Single(r => r.Element(D + "href")!.Value == Calendar);
        Assert.NotNull(calendar.Descendants(C + "calendar").SingleOrDefault());
        Assert.Equal("DAV Conference", calendar.Descendants(D + "displayname").Single().Value);
        Assert.Equal("Europe/Brussels", calendar.Descendants(C + "calendar-timezone-id").Single().Value);
        Assert.Equal("VEVENT", calendar.Descendants(C + "comp").Single().Attribute("name")!.Value);
        Assert.StartsWith("http://feedproxy.invalid/ns/sync/", calendar.Descendants(D + "sync-token").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Object_HasTheFeedsVEventByteForByte_WithItsTimeZone_AndNoMethod()
    {
        var feed = await _client.GetStringAsync(new Uri($"/events/{CalDavSchedule.Id}.ics", UriKind.Relative));
        using var response = await _client.GetAsync(new Uri(Calendar + "s1-davconf.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var start = feed.IndexOf("BEGIN:VEVENT\r\nUID:s1-davconf@", StringComparison.Ordinal);
        var vevent = feed[start..(feed.IndexOf("END:VEVENT\r\n", start, StringComparison.Ordinal) + "END:VEVENT\r\n".Length)];
        Assert.Contains(vevent, body, StringComparison.Ordinal);
        Assert.Contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels\r\n", body, StringComparison.Ordinal);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", body, StringComparison.Ordinal);
        Assert.EndsWith("END:VCALENDAR\r\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("METHOD:", body, StringComparison.Ordinal);
        Assert.Single(body.Split("BEGIN:VEVENT"[..]).Skip(1));

        var etag = response.Headers.ETag!.Tag;
        using var again = await _client.SendAsync("GET", Calendar + "s1-davconf.ics", headers: ("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task RecurringSeries_IsOneObject_WithItsRule()
    {
        var body = await _client.GetStringAsync(new Uri(Calendar + "w1-davconf.ics", UriKind.Relative));
        Assert.Contains("RRULE:FREQ=WEEKLY;COUNT=10", body, StringComparison.Ordinal);
        Assert.Equal(2, body.Split("BEGIN:VEVENT").Length);
    }

    [Fact]
    public async Task DepthInfinity_IsRefusedWithPropfindFiniteDepth()
    {
        using var response = await _client.SendAsync("PROPFIND", "/dav/calendars/", Propfind(D + "displayname"), "infinity");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("propfind-finite-depth", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownProperty_IsAnsweredIn404Propstat()
    {
        using var response = await _client.SendAsync("PROPFIND", Calendar, Propfind(D + "displayname", (System.Xml.Linq.XNamespace)"urn:example" + "nothing"), "0");
        var multistatus = await response.MultistatusAsync();
        var propstats = multistatus.Descendants(D + "propstat").ToList();
        Assert.Contains(propstats, p => p.Element(D + "status")!.Value.Contains(" 404 ", StringComparison.Ordinal) && p.Descendants().Any(e => e.Name.LocalName == "nothing"));
        Assert.Contains(propstats, p => p.Element(D + "status")!.Value.Contains(" 200 ", StringComparison.Ordinal) && p.Descendants(D + "displayname").Any());
    }

    [Theory]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&x;</d:displayname></d:prop></d:propfind>""")]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d:propfind xmlns:d="DAV:"><d:prop><d:x>&b;</d:x></d:prop></d:propfind>""")]
    [InlineData("<d:propfind xmlns:d=\"DAV:\"><d:prop>")]
    [InlineData("<d:other xmlns:d=\"DAV:\"/>")]
    public async Task HostileOrMalformedBodies_Are400WithADavErrorBody(string body)
    {
        using var response = await _client.SendAsync("PROPFIND", Calendar, body, "0");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("<d:error", text, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeepNesting_Is400_AndABodyOverTheLimitIs413()
    {
        var deep = "<d:propfind xmlns:d=\"DAV:\">" + string.Concat(Enumerable.Repeat("<d:x>", 200)) + string.Concat(Enumerable.Repeat("</d:x>", 200)) + "</d:propfind>";
        using var nested = await _client.SendAsync("PROPFIND", Calendar, deep, "0");
        Assert.Equal(HttpStatusCode.BadRequest, nested.StatusCode);

        var huge = "<d:propfind xmlns:d=\"DAV:\"><d:prop>" + new string(' ', 2 * 1024 * 1024) + "</d:prop></d:propfind>";
        using var large = await _client.SendAsync("PROPFIND", Calendar, huge, "0");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
    }

    [Theory]
    [InlineData("PUT", "/dav/calendars/davconf/s1-davconf.ics")]
    [InlineData("PUT", "/dav/calendars/davconf/new.ics")]
    [InlineData("DELETE", "/dav/calendars/davconf/s1-davconf.ics")]
    [InlineData("DELETE", "/dav/calendars/davconf/")]
    [InlineData("MKCALENDAR", "/dav/calendars/davconf/")]
    [InlineData("PROPPATCH", "/dav/calendars/davconf/")]
    [InlineData("MOVE", "/dav/calendars/davconf/s1-davconf.ics")]
    [InlineData("COPY", "/dav/calendars/davconf/s1-davconf.ics")]
    [InlineData("LOCK", "/dav/calendars/davconf/s1-davconf.ics")]
    public async Task WriteMethods_AreRefusedWithNeedPrivileges(string method, string path)
    {
        using var response = await _client.SendAsync(method, path, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("need-privileges", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(CalDavSchedule.AllObjects.Length, (await (await _client.SendAsync("PROPFIND", Calendar, Propfind(D + "getetag"), "1")).MultistatusAsync()).Hrefs().Count);
    }

    [Fact]
    public async Task UnknownSyncToken_IsRefusedWithValidSyncToken()
    {
        foreach (var token in new[] { "http://feedproxy.invalid/ns/sync/00000000000000000000000000000000", "urn:other", "http://feedproxy.invalid/ns/sync/../../x" })
        {
            using var response = await _client.SendAsync("REPORT", Calendar, SyncCollection(token), "0");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("valid-sync-token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SyncWithTheCurrentToken_ListsNothing_AndReturnsTheSameToken()
    {
        using var full = await _client.SendAsync("REPORT", Calendar, SyncCollection(string.Empty), "0");
        var first = await full.MultistatusAsync();
        Assert.Equal(CalDavSchedule.AllObjects.Length, first.Hrefs().Count);
        var token = first.Element(D + "sync-token")!.Value;
        using var again = await _client.SendAsync("REPORT", Calendar, SyncCollection(token), "0");
        var second = await again.MultistatusAsync();
        Assert.Empty(second.Elements(D + "response"));
        Assert.Equal(token, second.Element(D + "sync-token")!.Value);
    }

    [Fact]
    public async Task Multiget_ReturnsCalendarDataOfKnownHrefs_And404ForOthers()
    {
        var body = $"""
            <c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
              <d:prop><d:getetag/><c:calendar-data/></d:prop>
              <d:href>{Calendar}s2-davconf.ics</d:href>
              <d:href>{Calendar}nothing.ics</d:href>
              <d:href>/dav/calendars/testconf/s1-testconf.ics</d:href>
            </c:calendar-multiget>
            """;
        using var response = await _client.SendAsync("REPORT", Calendar, body, "1");
        var multistatus = await response.MultistatusAsync();
        Assert.Equal([Calendar + "s2-davconf.ics"], multistatus.Hrefs());
        Assert.Equal(2, multistatus.Hrefs(404).Count);
        Assert.Contains("SUMMARY:Second Session", multistatus.Descendants(C + "calendar-data").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_TimeRange_MatchesOverlappingSessionsAndSeriesByOccurrence()
    {
        static string Query(string start, string end) => $"""
            <c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
              <d:prop><d:getetag/></d:prop>
              <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="{start}" end="{end}"/></c:comp-filter></c:comp-filter></c:filter>
            </c:calendar-query>
            """;
        using var morning = await _client.SendAsync("REPORT", Calendar, Query("20270206T091500Z", "20270206T100100Z"), "1");
        Assert.Equal([Calendar + "s1-davconf.ics", Calendar + "s2-davconf.ics"], (await morning.MultistatusAsync()).Hrefs().Order(StringComparer.Ordinal));
        // The series started in January; its occurrence of 9 March (18:00 UTC) overlaps.
        using var march = await _client.SendAsync("REPORT", Calendar, Query("20270309T173000Z", "20270309T183000Z"), "1");
        Assert.Equal([Calendar + "w1-davconf.ics"], (await march.MultistatusAsync()).Hrefs());
        // After its tenth and last occurrence: nothing.
        using var after = await _client.SendAsync("REPORT", Calendar, Query("20270316T173000Z", "20270316T183000Z"), "1");
        Assert.Empty((await after.MultistatusAsync()).Hrefs());

        using var todo = await _client.SendAsync("REPORT", Calendar, """<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VTODO"/></c:comp-filter></c:filter></c:calendar-query>""", "1");
        Assert.Empty((await todo.MultistatusAsync()).Hrefs());
        using var propFilter = await _client.SendAsync("REPORT", Calendar, """<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>""", "1");
        Assert.Equal(HttpStatusCode.Forbidden, propFilter.StatusCode);
        Assert.Contains("supported-filter", await propFilter.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateEvent_AnswersLikeANonexistentOne_ExceptUnderItsToken()
    {
        var token = await _factory.Services.GetRequiredService<PrivateAccess>().RotateAsync("hidden", CancellationToken.None);
        async Task<(HttpStatusCode, string)> Answer(string method, string path)
        {
            using var response = await _client.SendAsync(method, path, method == "PROPFIND" ? Propfind(D + "displayname") : null, "0");
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, System.Text.RegularExpressions.Regex.Replace(text, "\"traceId\":\"[^\"]*\"", string.Empty));
        }

        foreach (var method in new[] { "PROPFIND", "GET", "PUT" })
        {
            var nonexistent = await Answer(method, "/dav/calendars/nosuchevent/s1-nosuchevent.ics");
            Assert.Equal(nonexistent, await Answer(method, "/dav/calendars/hidden/s1-hidden.ics"));
            Assert.Equal(await Answer(method, "/dav/calendars/nosuchevent/"), await Answer(method, "/dav/calendars/hidden/"));
            Assert.Equal(await Answer(method, $"/private/{new string('x', token.Length)}/dav/events/hidden/calendar/"), await Answer(method, "/dav/calendars/nosuchevent/"));
        }

        var root = $"/private/{token}/dav/events/hidden/";
        using var home = await _client.SendAsync("PROPFIND", root, Propfind(D + "current-user-principal", C + "calendar-home-set", D + "resourcetype"), "1");
        var multistatus = await home.MultistatusAsync();
        Assert.Equal([root, root + "calendar/"], multistatus.Hrefs());
        Assert.Equal(root, multistatus.Descendants(C + "calendar-home-set").First().Element(D + "href")!.Value);
        Assert.True(home.Headers.CacheControl!.Private);

        using var sync = await _client.SendAsync("REPORT", root + "calendar/", SyncCollection(string.Empty), "0");
        Assert.Equal(CalDavSchedule.AllObjects.Select(n => root + "calendar/" + n.Replace("davconf", "hidden", StringComparison.Ordinal)), (await sync.MultistatusAsync()).Hrefs().Order(StringComparer.Ordinal));
        var body = await _client.GetStringAsync(new Uri(root + "calendar/s1-hidden.ics", UriKind.Relative));
        Assert.Contains("SUMMARY:Opening", body, StringComparison.Ordinal);
        Assert.DoesNotContain("@", body.Replace("UID:s1-hidden@", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IcsFeedsAndThePage_LinkTheirCalDavTwin()
    {
        using var feed = await _client.GetAsync(new Uri("/events/davconf.ics", UriKind.Relative));
        // Beside the WebSub hub and topic (Push/) that every public feed names.
        var links = string.Join(", ", feed.Headers.GetValues("Link"));
        Assert.Contains("<http://localhost/dav/calendars/davconf/>; rel=\"subscribe-caldav\"", links, StringComparison.Ordinal);
        Assert.Contains("<http://localhost/hub>; rel=\"hub\"", links, StringComparison.Ordinal);
        using var filtered = await _client.GetAsync(new Uri("/events/davconf.ics?room=r1", UriKind.Relative));
        Assert.DoesNotContain("subscribe-caldav", string.Join(",", filtered.Headers.GetValues("Link")), StringComparison.Ordinal);
        using var rss = await _client.GetAsync(new Uri("/events/davconf.rss", UriKind.Relative));
        Assert.DoesNotContain("subscribe-caldav", string.Join(",", rss.Headers.GetValues("Link")), StringComparison.Ordinal);

        var token = await _factory.Services.GetRequiredService<PrivateAccess>().RotateAsync("hidden", CancellationToken.None);
        using var hidden = await _client.GetAsync(new Uri($"/private/{token}/events/hidden.ics", UriKind.Relative));
        Assert.Equal($"<http://localhost/private/{token}/dav/events/hidden/calendar/>; rel=\"subscribe-caldav\"", string.Join(",", hidden.Headers.GetValues("Link")));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/davconf", UriKind.Relative));
        request.Headers.Accept.ParseAdd("text/html");
        using var page = await _client.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Add as CalDAV account", html, StringComparison.Ordinal);
        Assert.Contains("<code id=\"caldav-url\">http://localhost/dav/</code>", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"subscribe-caldav\"", string.Join(",", page.Headers.GetValues("Link")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateCollectionOfAnotherServer_AndUnknownKinds_Are404()
    {
        using var unknownKind = await _client.SendAsync("PROPFIND", "/private/abcdefghijklmnopqrstuvwxyz012345/dav/things/davconf/", Propfind(D + "displayname"), "0");
        Assert.Equal(HttpStatusCode.NotFound, unknownKind.StatusCode);
        using var collection = await _client.SendAsync("PROPFIND", "/private/abcdefghijklmnopqrstuvwxyz012345/dav/collections/none/", Propfind(D + "displayname"), "0");
        Assert.Equal(HttpStatusCode.NotFound, collection.StatusCode);
    }
}
