using System.Text.Json;
using FeedProxy.Formats.Json;

namespace FeedProxy.Conformance.Tests.Corpus;

/// <summary>
/// Invented recurring schedules, read as the file store reads them: a weekly club evening
/// across the March DST change with an exception date, a moved, a cancelled and a withdrawn
/// occurrence; monthly rules with ordinals, BYSETPOS, BYMONTHDAY and RDATE in New York; a
/// series whose rule follows another zone than its event's (Sydney, where DST ends in April).
/// With <see cref="CorpusDocument.Now"/> the window runs from 30 January to 28 August 2027.
/// </summary>
internal static class RecurringCorpus
{
    private static readonly (string Name, string Json)[] Documents =
    [
        ("recurring-club", """
            {
              "id": "club", "name": "Open Hardware Club", "timeZone": "Europe/Berlin", "lastModified": "2027-01-02T10:00:00Z",
              "rooms": [ { "id": "lab", "name": "Lab" }, { "id": "hall", "name": "Hall" } ],
              "sessions": [
                { "id": "weekly", "title": "Club evening", "abstract": "Bring your boards; and a soldering iron.", "room": "lab",
                  "start": "2027-01-05T19:00:00", "end": "2027-01-05T21:00:00",
                  "recurrence": {
                    "rules": [ "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T230000Z" ],
                    "exceptionDates": [ "2027-02-16T19:00:00" ],
                    "overrides": [
                      { "recurrenceId": "2027-03-30T19:00:00", "start": "2027-03-31T18:30:00", "end": "2027-03-31T20:30:00",
                        "title": "Club evening (Wednesday this week)", "room": "hall" },
                      { "recurrenceId": "2027-04-13T19:00:00", "state": "cancelled", "lastModified": "2027-02-20T08:00:00Z" },
                      { "recurrenceId": "2027-05-04T19:00:00", "state": "withdrawn", "title": "Not decided yet" }
                    ] } },
                { "id": "repair", "title": "Repair café", "room": "hall", "start": "2027-01-09T10:00:00", "duration": "PT3H",
                  "recurrence": { "rules": [ "FREQ=MONTHLY;BYDAY=2SA" ], "dates": [ "2027-06-26T10:00:00" ] } },
                { "id": "talk", "title": "Soldering 101", "room": "hall", "start": "2027-04-20T18:00:00", "end": "2027-04-20T19:00:00" }
              ]
            }
            """),
        ("recurring-monthly", """
            {
              "id": "meetup", "name": "Meetup", "timeZone": "America/New_York", "lastModified": "2027-01-02T10:00:00Z",
              "sessions": [
                { "id": "last-friday", "title": "Last Friday drinks", "start": "2027-01-29T17:00:00", "end": "2027-01-29T19:00:00",
                  "recurrence": { "rules": [ "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12" ] } },
                { "id": "workday", "title": "Month-end review", "start": "2027-01-29T09:30:00", "end": "2027-01-29T10:00:00",
                  "recurrence": { "rules": [ "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1" ] } },
                { "id": "fifteenth", "title": "Newsletter", "start": "2027-01-15T08:00:00", "end": "2027-01-15T08:15:00",
                  "recurrence": { "rules": [ "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15" ], "exceptionDates": [ "2027-05-15T08:00:00" ] } }
              ]
            }
            """),
        ("recurring-zones", """
            {
              "id": "remote", "name": "Remote team", "timeZone": "Europe/London", "lastModified": "2027-01-02T10:00:00Z",
              "sessions": [
                { "id": "standup", "title": "Stand-up (Sydney)", "start": "2027-02-01T09:00:00", "end": "2027-02-01T09:15:00",
                  "recurrence": { "rules": [ "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20270501T000000Z" ], "timeZone": "Australia/Sydney" } },
                { "id": "sync", "title": "Sync", "start": "2027-02-03T16:00:00", "end": "2027-02-03T17:00:00",
                  "recurrence": { "rules": [ "FREQ=DAILY;INTERVAL=3;BYHOUR=8,16;COUNT=20" ] } }
              ]
            }
            """),
    ];

    public static IReadOnlyList<CorpusDocument> Load() =>
    [
        .. Documents.Select(d => CorpusDocument.Create(
            CorpusKinds.Demo,
            d.Name,
            EventJsonMapper.ToModel(JsonSerializer.Deserialize(d.Json, EventJsonContext.Default.EventJson)!, CorpusDocument.Now))),
    ];
}
