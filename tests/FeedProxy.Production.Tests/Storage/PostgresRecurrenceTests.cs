using System.Text.Json;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Storage.Postgres;
using NodaTime;

namespace FeedProxy.Production.Tests.Storage;

/// <summary>Recurring sessions through real PostgreSQL (migration 0002): stored, read back, versioned.</summary>
[Collection(UsesServers.Name)]
public sealed class PostgresRecurrenceTests(ServersFixture servers)
{
    private const string Club = """
        {
          "id": "club", "name": "Club", "timeZone": "Europe/Berlin", "lastModified": "2027-01-10T10:00:00Z",
          "rooms": [ { "id": "lab", "name": "Lab" }, { "id": "hall", "name": "Hall" } ],
          "sessions": [
            { "id": "weekly", "title": "Club evening", "start": "2027-03-02T19:00:00", "end": "2027-03-02T21:00:00", "room": "lab",
              "recurrence": {
                "rules": [ "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271130T230000Z" ],
                "dates": [ "2027-12-14T19:00:00" ],
                "exceptionDates": [ "2027-04-27T19:00:00" ],
                "overrides": [
                  { "recurrenceId": "2027-03-30T19:00:00", "start": "2027-03-31T18:30:00", "end": "2027-03-31T20:30:00", "title": "Club evening (Wednesday)", "room": "hall" },
                  { "recurrenceId": "2027-05-25T19:00:00", "state": "cancelled" }
                ] } },
            { "id": "nyc", "title": "Call", "start": "2027-03-02T12:00:00", "end": "2027-03-02T13:00:00",
              "recurrence": { "rules": [ "FREQ=MONTHLY;BYDAY=1TU;COUNT=6" ], "timeZone": "America/New_York" } },
            { "id": "talk", "title": "Soldering 101", "start": "2027-04-20T18:00:00", "end": "2027-04-20T19:00:00" }
          ]
        }
        """;

    private static Event Model(string json = Club) =>
        EventJsonMapper.ToModel(JsonSerializer.Deserialize(json, EventJsonContext.Default.EventJson)!, Instant.FromUtc(2027, 1, 1, 0, 0));

    private static async Task<Event> LoadAsync(PostgresTestDatabase db) =>
        (await PostgresEventReader.LoadAsync(db.DataSource, "club", default))!.Event;

    [Fact]
    public async Task Upsert_RoundTripsRecurrence()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var expected = Model();
        await db.Writer.UpsertEventAsync(expected);

        var actual = await LoadAsync(db);

        Assert.Null(actual.Sessions.Single(s => s.Id == "talk").Recurrence);
        foreach (var id in new[] { "weekly", "nyc" })
        {
            var e = expected.Sessions.Single(s => s.Id == id).Recurrence!;
            var a = actual.Sessions.Single(s => s.Id == id).Recurrence!;
            Assert.Equal(e.Rules, a.Rules);
            Assert.Equal(e.Dates, a.Dates);
            Assert.Equal(e.ExceptionDates, a.ExceptionDates);
            Assert.Equal(e.TimeZone, a.TimeZone);
            Assert.Equal(e.Overrides.Select(o => o.RecurrenceId), a.Overrides.Select(o => o.RecurrenceId));
            // Speakers is a list (reference equality in the record): compared on its own.
            Assert.Equal(e.Overrides.Select(o => o.Instance with { Speakers = [] }), a.Overrides.Select(o => o.Instance with { Speakers = [] }));
            Assert.Equal(e.Overrides.SelectMany(o => o.Instance.Speakers), a.Overrides.SelectMany(o => o.Instance.Speakers));
        }
    }

    [Fact]
    public async Task UnchangedReupsert_KeepsVersionAndRevision()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var v1 = await db.Writer.UpsertEventAsync(Model());
        var before = await LoadAsync(db);

        var v2 = await db.Writer.UpsertEventAsync(before);
        var after = await LoadAsync(db);

        Assert.Equal(v1, v2);
        Assert.Equal(before.Sessions.Select(s => (s.Id, s.Revision, s.LastModified)), after.Sessions.Select(s => (s.Id, s.Revision, s.LastModified)));
    }

    [Theory]
    [InlineData("2027-04-27T19:00:00", "2027-05-04T19:00:00")]
    [InlineData("FREQ=WEEKLY;BYDAY=TU;UNTIL=20271130T230000Z", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271031T230000Z")]
    [InlineData("Club evening (Wednesday)", "Club evening (Wednesday, room 2)")]
    [InlineData("\"state\": \"cancelled\"", "\"state\": \"confirmed\"")]
    public async Task RecurrenceChange_BumpsOnlyThatSessionsRevision(string from, string to)
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var v1 = await db.Writer.UpsertEventAsync(Model());
        var before = await LoadAsync(db);

        var v2 = await db.Writer.UpsertEventAsync(Model(Club.Replace(from, to, StringComparison.Ordinal)));
        var after = await LoadAsync(db);

        Assert.NotEqual(v1, v2);
        Assert.Equal(before.Sessions.Single(s => s.Id == "weekly").Revision + 1, after.Sessions.Single(s => s.Id == "weekly").Revision);
        Assert.Equal(before.Sessions.Single(s => s.Id == "nyc").Revision, after.Sessions.Single(s => s.Id == "nyc").Revision);
        Assert.Equal(before.Sessions.Single(s => s.Id == "talk").Revision, after.Sessions.Single(s => s.Id == "talk").Revision);
    }

    [Fact]
    public async Task SessionUpsert_AddsAndRemovesRecurrence()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var model = Model();
        await db.Writer.UpsertEventAsync(model);
        var talk = model.Sessions.Single(s => s.Id == "talk");

        Assert.True(await db.Writer.UpsertSessionAsync("club", talk with { Recurrence = new Recurrence { Rules = ["FREQ=DAILY;COUNT=3"] } }));
        var recurring = (await LoadAsync(db)).Sessions.Single(s => s.Id == "talk");
        Assert.Equal(["FREQ=DAILY;COUNT=3"], recurring.Recurrence!.Rules);
        Assert.Equal(1, recurring.Revision);

        Assert.True(await db.Writer.UpsertSessionAsync("club", talk));
        var single = (await LoadAsync(db)).Sessions.Single(s => s.Id == "talk");
        Assert.Null(single.Recurrence);
        Assert.Equal(2, single.Revision);
    }
}
