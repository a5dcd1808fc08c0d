using System.Text.Json;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Tests.Support;

/// <summary>
/// An invented club calendar in Europe/Berlin: a weekly Tuesday meeting from 2 March to the
/// end of November 2027 (across the March and October DST changes) with one exception date,
/// one occurrence moved to Wednesday and one cancelled, plus a one-off talk. Built through the
/// JSON format, so it also exercises the mapper.
/// </summary>
public static class RecurringSamples
{
    /// <summary>The clock of every sample selection: the window is 14 Mar to 11 Oct 2027.</summary>
    public static readonly Instant Now = Instant.FromUtc(2027, 4, 13, 12, 0);

    public const string Json = """
        {
          "id": "club",
          "name": "Open Hardware Club",
          "timeZone": "Europe/Berlin",
          "lastModified": "2027-01-10T10:00:00Z",
          "rooms": [ { "id": "lab", "name": "Lab" }, { "id": "hall", "name": "Hall" } ],
          "sessions": [
            {
              "id": "weekly",
              "title": "Club evening",
              "abstract": "Bring your boards.",
              "start": "2027-03-02T19:00:00",
              "end": "2027-03-02T21:00:00",
              "room": "lab",
              "recurrence": {
                "rules": [ "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271130T230000Z" ],
                "exceptionDates": [ "2027-04-27T19:00:00" ],
                "overrides": [
                  { "recurrenceId": "2027-03-30T19:00:00", "start": "2027-03-31T18:30:00", "end": "2027-03-31T20:30:00", "title": "Club evening (Wednesday this week)", "room": "hall" },
                  { "recurrenceId": "2027-05-25T19:00:00", "state": "cancelled", "lastModified": "2027-04-01T08:00:00Z" }
                ]
              }
            },
            { "id": "talk", "title": "Soldering 101", "start": "2027-04-20T18:00:00", "end": "2027-04-20T19:00:00", "room": "hall" }
          ]
        }
        """;

    public static Event Club() =>
        EventJsonMapper.ToModel(JsonSerializer.Deserialize(Json, EventJsonContext.Default.EventJson)!, Instant.FromUtc(2027, 1, 1, 0, 0));

    public static FeedDocument Document(FeedFormat format, FeedOptions? options = null, SessionFilter? filter = null)
    {
        var schedule = Club();
        options ??= FeedOptions.Default;
        return new FeedDocument
        {
            Event = schedule,
            Sessions = FeedSelection.Select(schedule, new SelectionPolicy(), Now, filter, FeedSelection.ModeFor(format, options)),
            SelfUrl = new Uri($"https://feeds.example.org/events/club.{format.Extension()}"),
            PageUrl = new Uri("https://feeds.example.org/events/club"),
            UidDomain = "feeds.example.org",
            Options = options,
        };
    }
}
