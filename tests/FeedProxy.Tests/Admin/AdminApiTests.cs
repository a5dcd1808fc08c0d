using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Admin;

public sealed class AdminApiTests : IDisposable
{
    private const string Token = "test-admin-token-0123456789";
    private readonly FeedProxyFactory _factory = new();
    private readonly HttpClient _client;

    public AdminApiTests()
    {
        _factory.Settings["FeedProxy:AdminToken"] = Token;
        _client = _factory.CreatePlainClient();
    }

    public void Dispose() => _factory.Dispose();

    private static HttpRequestMessage Admin(HttpMethod method, string url, string? json = null, string contentType = "application/json", string? token = Token)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, contentType);
        }

        return request;
    }

    [Fact]
    public async Task WithoutAdminToken_AdminRoutesDoNotExist()
    {
        using var factory = new FeedProxyFactory();
        using var response = await factory.CreatePlainClient().GetAsync(new Uri("/admin/events", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task MissingCredentials_Is401WithChallenge_WrongToken_Is403()
    {
        using var none = await _client.SendAsync(Admin(HttpMethod.Get, "/admin/events", token: null));
        using var wrong = await _client.SendAsync(Admin(HttpMethod.Get, "/admin/events", token: "not-the-token"));
        using var right = await _client.SendAsync(Admin(HttpMethod.Get, "/admin/events"));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("Bearer", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("testconf", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidEvent_Is400ValidationProblemNamingEachField()
    {
        const string body = """
        { "name": "", "timeZone": "Mars/Olympus", "sessions": [ { "id": "a", "title": "T", "start": "2027-01-01T10:00:00Z", "end": "2027-01-01T09:00:00Z" } ] }
        """;
        using var response = await _client.SendAsync(Admin(HttpMethod.Put, "/admin/events/newconf", body));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(text);
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _), text);
        Assert.True(errors.TryGetProperty("timeZone", out _), text);
        Assert.True(errors.TryGetProperty("sessions[0].end", out _), text);

        using var feed = await _client.GetAsync(new Uri("/events/newconf.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, feed.StatusCode);
    }

    [Fact]
    public async Task MalformedJson_Is400NamingTheLine()
    {
        using var response = await _client.SendAsync(Admin(HttpMethod.Put, "/admin/events/newconf", "{\n  \"name\": \"x\",\n  oops\n}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line 3", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateEvent_ThenEditAndDeleteASession_FeedsFollow()
    {
        using (var created = await _client.SendAsync(Admin(HttpMethod.Put, "/admin/events/second", TestEvents.Conference(id: "second"))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        const string session = """
        { "title": "A Brand New Session", "start": "2027-03-27T16:00:00+01:00", "end": "2027-03-27T16:30:00+01:00", "room": "hall-a", "speakers": ["hana"] }
        """;
        using (var put = await _client.SendAsync(Admin(HttpMethod.Put, "/admin/events/second/sessions/n1", session)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.Contains("A Brand New Session", await _client.GetStringAsync(new Uri("/events/second.ics", UriKind.Relative)), StringComparison.Ordinal);

        using (var badRoom = await _client.SendAsync(Admin(HttpMethod.Put, "/admin/events/second/sessions/n2", session.Replace("hall-a", "nowhere", StringComparison.Ordinal))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badRoom.StatusCode);
            Assert.Contains("\"room\"", await badRoom.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var delete = await _client.SendAsync(Admin(HttpMethod.Delete, "/admin/events/second/sessions/n1")))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.DoesNotContain("A Brand New Session", await _client.GetStringAsync(new Uri("/events/second.ics", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnpublishAndPublish_HideAndShowTheFeeds()
    {
        using (var off = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/events/testconf/unpublish")))
        {
            Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        }

        using (var hidden = await _client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        using (var on = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/events/testconf/publish")))
        {
            Assert.Equal(HttpStatusCode.NoContent, on.StatusCode);
        }

        using var shown = await _client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
    }

    // A small self-written frab schedule.
    private const string FrabXml = """
        <?xml version="1.0" encoding="utf-8"?>
        <schedule>
          <conference><title>Import Test Days</title><acronym>itd</acronym><time_zone_name>Europe/Brussels</time_zone_name></conference>
          <day index="1" date="2027-02-06">
            <room name="Main Hall">
              <event id="501" guid="7b0c3e2a-0000-4000-8000-000000000501">
                <date>2027-02-06T10:00:00+01:00</date><start>10:00</start><duration>00:45</duration>
                <room>Main Hall</room><title>Imported Opening</title><track>General</track><type>talk</type>
                <persons><person id="9">Åsa Öberg</person></persons>
              </event>
              <event id="502" guid="7b0c3e2a-0000-4000-8000-000000000502">
                <date>2027-02-06T11:00:00+01:00</date><start>11:00</start><duration>00:30</duration>
                <room>Main Hall</room><title>Imported Second</title><track>General</track><type>talk</type>
              </event>
            </room>
          </day>
        </schedule>
        """;

    [Fact]
    public async Task Import_CreatesThenUpdatesInPlace_AndMalformedInputChangesNothing()
    {
        using (var first = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/events/itd/import", FrabXml, "application/xml")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        var ics = await _client.GetStringAsync(new Uri("/events/itd.ics", UriKind.Relative));
        Assert.Contains("Imported Opening", ics, StringComparison.Ordinal);
        using var before = await _client.GetAsync(new Uri("/events/itd.ics", UriKind.Relative));

        using (var again = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/events/itd/import", FrabXml, "application/xml")))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Contains("\"changed\":false", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var broken = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/events/itd/import", FrabXml[..400], "application/xml")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            Assert.Contains("line", await broken.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        using var after = await _client.GetAsync(new Uri("/events/itd.ics", UriKind.Relative));
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);

        var renamed = FrabXml.Replace("Imported Second", "Renamed Second", StringComparison.Ordinal);
        using (var update = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/events/itd/import", renamed, "application/xml")))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        var updated = await _client.GetStringAsync(new Uri("/events/itd.ics", UriKind.Relative));
        Assert.Contains("Renamed Second", updated, StringComparison.Ordinal);
        // UIDs are stable across re-imports.
        foreach (var uid in ics.Split("\r\n").Where(l => l.StartsWith("UID:", StringComparison.Ordinal)))
        {
            Assert.Contains(uid, updated, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Import_DraftQuery_KeepsTheEventUnpublished()
    {
        using var response = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/events/itd2/import?publish=false", FrabXml, "application/xml"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        using var feed = await _client.GetAsync(new Uri("/events/itd2.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, feed.StatusCode);
    }

    [Fact]
    public async Task RotateToken_OldPrivateUrlIs404AtOnce()
    {
        using (var put = await _client.SendAsync(Admin(HttpMethod.Put, "/admin/events/secretconf", TestEvents.Conference(id: "secretconf", visibility: "private"))))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        async Task<string> RotateAsync()
        {
            using var rotate = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/events/secretconf/token"));
            Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
            using var json = JsonDocument.Parse(await rotate.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("ics").GetString()!;
        }

        var first = await RotateAsync();
        using (var ok = await _client.GetAsync(new Uri(first, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Contains("private", ok.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        }

        var second = await RotateAsync();
        using var old = await _client.GetAsync(new Uri(first, UriKind.Relative));
        using var current = await _client.GetAsync(new Uri(second, UriKind.Relative));
        using var publicUrl = await _client.GetAsync(new Uri("/events/secretconf.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, publicUrl.StatusCode);
    }
}
