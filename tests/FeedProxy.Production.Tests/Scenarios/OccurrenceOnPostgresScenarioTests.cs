using System.Net;
using System.Text;
using FeedProxy.Production.Tests.Infrastructure;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// The one-occurrence download (<c>/events/{id}/sessions/{sid}.ics?occurrence=…</c>) of a
/// recurring session stored in PostgreSQL: the series, its exception dates and its overrides
/// come back from the database's recurrence column, not from an event file.
/// </summary>
[Collection(UsesServers.Name)]
public sealed class OccurrenceOnPostgresScenarioTests(ServersFixture servers)
{
    private const string Club = """
        {
          "id": "club", "name": "Club", "timeZone": "Europe/Berlin", "lastModified": "2027-01-10T10:00:00Z",
          "sessions": [
            { "id": "weekly", "title": "Club evening", "start": "2027-03-02T19:00:00", "end": "2027-03-02T21:00:00",
              "recurrence": {
                "rules": [ "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271130T230000Z" ],
                "exceptionDates": [ "2027-04-27T19:00:00" ],
                "overrides": [
                  { "recurrenceId": "2027-03-30T19:00:00", "start": "2027-03-31T18:30:00", "end": "2027-03-31T20:30:00", "title": "Club evening (Wednesday)" }
                ] } },
            { "id": "talk", "title": "Soldering 101", "start": "2027-04-20T18:00:00", "end": "2027-04-20T19:00:00" }
          ]
        }
        """;

    [Fact]
    public async Task Occurrences_OfASeriesStoredInPostgres_AreServedLikeFromFiles()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        using var app = new AppInstance(database, servers.Redis.ConnectionString);
        using (var admin = app.AdminClient())
        using (var content = new StringContent(Club, Encoding.UTF8, "application/json"))
        using (var put = await admin.PutAsync(new Uri("/admin/events/club", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var client = app.Client();

        // 2027-03-09 19:00 in Berlin (CET) is 18:00 UTC: a plain occurrence of the rule.
        var plain = await VEventAsync(client, "weekly", "20270309T180000Z");
        Assert.Contains("DTSTART;TZID=Europe/Berlin:20270309T190000", plain);
        Assert.Contains("SUMMARY:Club evening", plain);
        Assert.Contains(plain, l => l.StartsWith("UID:weekly-20270309T180000Z-club@", StringComparison.Ordinal));
        Assert.DoesNotContain(plain, l => l.StartsWith("RRULE", StringComparison.Ordinal) || l.StartsWith("RECURRENCE-ID", StringComparison.Ordinal) || l.StartsWith("EXDATE", StringComparison.Ordinal));

        // 2027-03-30 19:00 in Berlin (CEST) is 17:00 UTC: moved to Wednesday by its override.
        var moved = await VEventAsync(client, "weekly", "20270330T170000Z");
        Assert.Contains("DTSTART;TZID=Europe/Berlin:20270331T183000", moved);
        Assert.Contains("SUMMARY:Club evening (Wednesday)", moved);

        // Excluded, not the series' time, and a one-off session: 404 problems.
        foreach (var url in new[]
                 {
                     "/events/club/sessions/weekly.ics?occurrence=20270427T170000Z",
                     "/events/club/sessions/weekly.ics?occurrence=20270309T190000Z",
                     "/events/club/sessions/talk.ics?occurrence=20270420T160000Z",
                 })
        {
            using var missing = await client.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
        }
    }

    private static async Task<string[]> VEventAsync(HttpClient client, string session, string occurrence)
    {
        using var response = await client.GetAsync(new Uri($"/events/club/sessions/{session}.ics?occurrence={occurrence}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Single(body.Split("\r\n"), l => l == "BEGIN:VEVENT");
        return body[body.IndexOf("BEGIN:VEVENT", StringComparison.Ordinal)..].Split("\r\n");
    }
}
