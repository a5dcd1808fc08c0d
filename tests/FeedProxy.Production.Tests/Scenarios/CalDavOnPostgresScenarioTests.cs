using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// CalDAV on the production setup: two instances on real Kestrel sharing one PostgreSQL and
/// one Redis. python-caldav discovers, syncs and queries through instance A; after an edit,
/// the sync token A issued is answered by B with exactly the changed and the removed session
/// (the manifest history is a table both read), and python-caldav's own sync agrees.
/// </summary>
[Collection(UsesServers.Name)]
public sealed class CalDavOnPostgresScenarioTests(ServersFixture servers)
{
    private static readonly XNamespace D = "DAV:";

    [Fact]
    public async Task TokenFromInstanceA_IsAnsweredByInstanceB_WithExactlyTheChangedAndRemovedSessions()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        using var a = new AppInstance(database, servers.Redis.ConnectionString);
        using var b = new AppInstance(database, servers.Redis.ConnectionString);
        var urlA = a.StartKestrel();
        var urlB = b.StartKestrel();
        using var httpA = new HttpClient { BaseAddress = urlA };
        using var httpB = new HttpClient { BaseAddress = urlB };
        Assert.Equal(HttpStatusCode.Created, await PutAsync(httpA, CalDavSchedule.Json()));

        using var client = CalDavSchedule.StartPythonCalDav(urlA);
        using var first = JsonDocument.Parse(await client.ReadLineAsync());
        var token = first.RootElement.GetProperty("token").GetString()!;
        Assert.Equal(CalDavSchedule.AllObjects, first.RootElement.GetProperty("objects").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["w1-davconf.ics"], first.RootElement.GetProperty("range").EnumerateArray().Select(e => e.GetString()));

        var before = await IcsETagAsync(httpB);
        Assert.Equal(HttpStatusCode.OK, await PutAsync(httpA, CalDavSchedule.Json(@abstract: "A rewritten abstract.", withClosing: false)));
        Assert.True(await Eventually.TrueAsync(async () => await IcsETagAsync(httpB) != before), "instance B never saw the edit");

        // A's token on B: the delta is the edited session and the removed one, nothing else.
        using var report = new HttpRequestMessage(new HttpMethod("REPORT"), new Uri($"/dav/calendars/{CalDavSchedule.Id}/", UriKind.Relative))
        {
            Content = new StringContent(
                $"""<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>""",
                Encoding.UTF8, "application/xml"),
        };
        report.Headers.Add("Depth", "0");
        using var response = await httpB.SendAsync(report);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == (HttpStatusCode)207, text);
        var responses = XElement.Parse(text).Elements(D + "response").ToList();
        string Name(XElement r) => r.Element(D + "href")!.Value.Split('/')[^1];
        Assert.Equal(["s1-davconf.ics"], responses.Where(r => r.Element(D + "propstat") is not null).Select(Name));
        Assert.Equal(["s3-davconf.ics"], responses.Where(r => r.Element(D + "status")?.Value.Contains(" 404 ", StringComparison.Ordinal) == true).Select(Name));

        await client.SignalAsync();
        using var second = JsonDocument.Parse(await client.ReadLineAsync());
        Assert.Equal(["s1-davconf.ics", "s3-davconf.ics"], second.RootElement.GetProperty("delta").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["s3-davconf.ics"], second.RootElement.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Vdirsyncer_MirrorsInstanceB_AfterAnImportThroughA_AndKhalShowsLocalTimes()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        using var a = new AppInstance(database, servers.Redis.ConnectionString);
        using var b = new AppInstance(database, servers.Redis.ConnectionString);
        using var httpA = new HttpClient { BaseAddress = a.StartKestrel() };
        var urlB = b.StartKestrel();
        using var httpB = new HttpClient { BaseAddress = urlB };
        Assert.Equal(HttpStatusCode.Created, await PutAsync(httpA, CalDavSchedule.Json()));
        Assert.True(await Eventually.TrueAsync(async () => await IcsETagAsync(httpB) is not null), "instance B never served the event");

        using var mirror = new VdirsyncerKhal(urlB, "Asia/Tokyo");
        await mirror.SyncAsync();
        Assert.Equal(CalDavSchedule.AllObjects.Length, Directory.GetFiles(Path.Combine(mirror.Calendars, CalDavSchedule.Id), "*.ics").Length);
        // Tokyo is eight hours ahead of Brussels in winter.
        var day = await mirror.ListAsync(new DateOnly(2027, 2, 6), 1);
        Assert.Contains("2027-02-06 18:00 2027-02-06 18:30 Opening", day);
        Assert.Contains("2027-02-06 19:00 2027-02-06 19:30 Second Session", day);
    }

    private static async Task<HttpStatusCode> PutAsync(HttpClient http, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/admin/events/{CalDavSchedule.Id}", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AppInstance.AdminToken);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string?> IcsETagAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri($"/events/{CalDavSchedule.Id}.ics", UriKind.Relative));
        return response.Headers.ETag?.Tag;
    }
}
