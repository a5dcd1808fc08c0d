using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// A private event's change feed with PostgreSQL as the store (the change log is its
/// session_changes table): served under the token only, privately cached, and the public URL
/// answers what an unknown event does.
/// </summary>
[Collection(UsesServers.Name)]
public sealed class PrivateChangeFeedOnPostgresScenarioTests(ServersFixture servers)
{
    private static string EventJson(string title) => $$"""
        {
          "name": "Secret Board Meeting", "timeZone": "Europe/Brussels", "visibility": "private",
          "sessions": [
            { "id": "s1", "title": "{{title}}", "start": "2027-02-06T10:00:00+01:00", "end": "2027-02-06T10:30:00+01:00" },
            { "id": "s2", "title": "Budget", "start": "2027-02-06T11:00:00+01:00", "end": "2027-02-06T11:30:00+01:00" }
          ]
        }
        """;

    [Fact]
    public async Task TheChangeFeedOfAPrivateEvent_IsServedUnderItsTokenOnly()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        using var app = new AppInstance(database, servers.Redis.ConnectionString);
        using var admin = app.AdminClient();
        await PutAsync(admin, "Opening");
        string token;
        using (var rotate = await admin.PostAsync(new Uri("/admin/events/hidden/token", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
            token = JsonDocument.Parse(await rotate.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        }

        await PutAsync(admin, "Opening, renamed");
        using var client = app.Client();
        var url = new Uri($"/private/{token}/events/hidden/changes.rss", UriKind.Relative);

        // The edit is one item, once the instance has it (it reads its own write at once).
        var item = await Eventually.ValueAsync(
            async () =>
            {
                using var response = await client.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(response.Headers.CacheControl!.Private && !response.Headers.CacheControl.Public);
                return XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants("item").SingleOrDefault();
            },
            found => found is not null);

        Assert.NotNull(item);
        Assert.Equal("Retitled: Opening, renamed (was Opening)", item.Element("title")!.Value);
        Assert.DoesNotContain(token, item.Element("guid")!.Value, StringComparison.Ordinal);

        // The public URL answers what an unknown event's does, a wrong token what the same
        // token does for an unknown event: the same 404, nothing of the event in it.
        var wrong = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        foreach (var (path, unknown) in new[]
                 {
                     ("/events/hidden/changes.rss", "/events/nosuch/changes.rss"),
                     ($"/private/{wrong}/events/hidden/changes.rss", $"/private/{wrong}/events/nosuch/changes.rss"),
                 })
        {
            var expected = await NotFoundAsync(client, unknown, "nosuch");
            Assert.Equal(expected, await NotFoundAsync(client, path, "hidden"));
            Assert.DoesNotContain("Secret", expected, StringComparison.Ordinal);
        }
    }

    private static async Task PutAsync(HttpClient admin, string title)
    {
        using var content = new StringContent(EventJson(title), Encoding.UTF8, "application/json");
        using var put = await admin.PutAsync(new Uri("/admin/events/hidden", UriKind.Relative), content);
        Assert.True(put.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"PUT: {(int)put.StatusCode}");
    }

    // The body with the event id and the per-request trace id taken out.
    private static async Task<string> NotFoundAsync(HttpClient client, string url, string eventId)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("ETag"));
        var body = (await response.Content.ReadAsStringAsync()).Replace(eventId, "X", StringComparison.Ordinal);
        return Regex.Replace(body, "\"traceId\":\"[^\"]*\"", "\"traceId\":\"\"");
    }
}
