namespace FeedProxy.Testing;

/// <summary>
/// A small self-written event for the CalDAV tests: three one-off sessions and a weekly
/// series (Tuesdays 19:00 Brussels time from 5 January 2027, ten times), so a delta, a removal
/// and a time range that only an occurrence of the series overlaps can all be checked.
/// </summary>
internal static class CalDavSchedule
{
    public const string Id = "davconf";

    /// <summary>The event; <paramref name="abstract"/> is s1's, <paramref name="withClosing"/> keeps s3.</summary>
    public static string Json(string @abstract = "The first talk.", bool withClosing = true, string visibility = "public") => $$"""
    {
      "name": "DAV Conference",
      "description": "Sessions for calendar apps.",
      "timeZone": "Europe/Brussels",
      "visibility": "{{visibility}}",
      "rooms": [ { "id": "r1", "name": "Room One" } ],
      "sessions": [
        { "id": "s1", "title": "Opening", "abstract": "{{@abstract}}", "start": "2027-02-06T10:00:00+01:00", "end": "2027-02-06T10:30:00+01:00", "room": "r1" },
        { "id": "s2", "title": "Second Session", "start": "2027-02-06T11:00:00+01:00", "end": "2027-02-06T11:30:00+01:00", "room": "r1" }
        {{(withClosing ? """, { "id": "s3", "title": "Closing", "start": "2027-02-07T16:00:00+01:00", "end": "2027-02-07T16:30:00+01:00", "room": "r1" }""" : string.Empty)}},
        { "id": "w1", "title": "Weekly club", "start": "2027-01-05T19:00:00+01:00", "end": "2027-01-05T20:00:00+01:00", "room": "r1",
          "recurrence": { "rules": ["FREQ=WEEKLY;COUNT=10"] } }
      ]
    }
    """;

    public static readonly string[] AllObjects = ["s1-davconf.ics", "s2-davconf.ics", "s3-davconf.ics", "w1-davconf.ics"];

    /// <summary>python_caldav_sync.py with this event's calendar and a range only the series' sixth Tuesday overlaps.</summary>
    public static ClientProcess StartPythonCalDav(Uri server, string calendar = Id) =>
        ClientProcess.Start("/usr/bin/python3",
        [
            Path.Combine(RepositoryPaths.Root, "tests", "clients", "caldav", "python_caldav_sync.py"),
            server.AbsoluteUri.TrimEnd('/'), calendar, "2027-02-09T18:30:00+01:00", "2027-02-09T19:30:00+01:00",
        ]);
}
