namespace FeedProxy.Tests.Support;

/// <summary>Small self-written events for HTTP tests.</summary>
internal static class TestEvents
{
    public const string SecretEmail = "never-render-me@example.org";

    /// <summary>
    /// A two-day event in Europe/Berlin across the 2027 DST change with one session in each
    /// state, a speaker with an e-mail, and hostile text.
    /// </summary>
    public static string Conference(string id = "testconf", string title = "Parsing Calendars Safely", bool published = true, string visibility = "public") => $$"""
    {
      "id": "{{id}}",
      "name": "Test Conference",
      "description": "A conference used by tests; commas, semicolons; and back\\slashes.",
      "url": "https://conf.example.org/",
      "timeZone": "Europe/Berlin",
      "published": {{(published ? "true" : "false")}},
      "visibility": "{{visibility}}",
      "lastModified": "2027-01-10T12:00:00Z",
      "venue": { "name": "Harbour Hall", "address": "Kaistraße 1, Hamburg", "latitude": 53.54, "longitude": 9.98 },
      "tracks": [ { "id": "security", "name": "Security", "color": "#AA3355" }, { "id": "web", "name": "Web Platform", "color": "#2266CC" } ],
      "rooms": [ { "id": "hall-a", "name": "Hall A", "floor": 0 }, { "id": "room-1", "name": "Room 1", "floor": 1 } ],
      "speakers": [
        { "id": "zoe", "name": "Zoë Ødegård", "organisation": "Fjord Labs", "email": "{{SecretEmail}}" },
        { "id": "hana", "name": "田中 花子", "position": "Researcher" }
      ],
      "sessions": [
        { "id": "s1", "title": "{{title}}", "abstract": "Line one\r\nLine two, with; punctuation: and \\ backslash.\nEND:VEVENT\nBEGIN:VEVENT\u0007", "start": "2027-03-27T10:00:00+01:00", "end": "2027-03-27T10:45:00+01:00", "state": "confirmed", "track": "security", "room": "hall-a", "type": "Talk", "language": "en", "speakers": ["zoe"], "url": "https://conf.example.org/s1", "lastModified": "2026-01-05T08:00:00Z", "revision": 1 },
        { "id": "s2", "title": "After the Clocks Change 🕑", "start": "2027-03-28T10:00:00+02:00", "end": "2027-03-28T11:00:00+02:00", "state": "accepted", "track": "web", "room": "room-1", "type": "Workshop", "language": "de", "speakers": ["hana", "zoe"], "image": "https://conf.example.org/s2.png" },
        { "id": "s3", "title": "Cancelled Session", "start": "2027-03-28T12:00:00+02:00", "end": "2027-03-28T12:30:00+02:00", "state": "cancelled", "track": "web", "room": "room-1", "lastModified": "2099-01-01T00:00:00Z" },
        { "id": "d1", "title": "Secret Draft Session", "start": "2027-03-27T15:00:00+01:00", "duration": "PT30M", "state": "draft" },
        { "id": "p1", "title": "Secret Pending Session", "start": "2027-03-27T15:00:00+01:00", "duration": "PT30M", "state": "pending" },
        { "id": "r1", "title": "Secret Rejected Session", "start": "2027-03-27T15:00:00+01:00", "duration": "PT30M", "state": "rejected" },
        { "id": "w1", "title": "Secret Withdrawn Session", "start": "2027-03-27T15:00:00+01:00", "duration": "PT30M", "state": "withdrawn" }
      ]
    }
    """;
}
