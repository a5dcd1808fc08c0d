using System.Text;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>Small self-written schedules in each format, for malformed-input and fuzz tests.</summary>
internal static class Samples
{
    public static readonly ImportOptions Options = new() { ImportedAt = Instant.FromUtc(2027, 1, 1, 0, 0) };

    // Line numbers matter: tests point at lines of this text.
    public const string Xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <schedule>
          <version>2027-02-01 12:00</version>
          <conference>
            <acronym>demo-xml</acronym>
            <title>Demo Conference</title>
            <time_zone_name>Europe/Berlin</time_zone_name>
            <day_change>06:00</day_change>
            <base_url>https://example.org/demo/</base_url>
            <track name="Testing" color="#abc" slug="testing"/>
          </conference>
          <day index="1" date="2027-03-05">
            <room name="Hall A">
              <event id="101" guid="0d6b8a8e-0000-4000-8000-000000000101">
                <start>10:00</start>
                <duration>00:45</duration>
                <room>Hall A</room>
                <title>First Talk</title>
                <subtitle></subtitle>
                <track>Testing</track>
                <abstract>&lt;p&gt;Write to &lt;a href="mailto:someone@example.org"&gt;us&lt;/a&gt; or someone@example.org.&lt;/p&gt;</abstract>
                <description>&lt;p&gt;More at &lt;a href="https://example.org/more"&gt;our site&lt;/a&gt;.&lt;/p&gt;</description>
                <logo>/media/101.png</logo>
                <persons><person id="7">Ada Example</person></persons>
                <links><link href="/video/101.mp4">Recording</link></links>
                <attachments><attachment type="slides" href="https://example.org/101.pdf">Slides</attachment></attachments>
              </event>
              <event id="102">
                <start>01:30</start>
                <duration>1:02:00</duration>
                <room>Hall A</room>
                <title>Night Session</title>
                <persons><person id="7">Ada Example</person><person>Bob Example</person></persons>
              </event>
            </room>
          </day>
        </schedule>
        """;

    public const string Json = """
        {
          "schedule": {
            "version": "1.0",
            "base_url": "https://example.org/demo/",
            "conference": {
              "acronym": "demo-json",
              "title": "Demo JSON",
              "time_zone_name": "Europe/Berlin",
              "tracks": [{"name": "Testing", "color": "#00aa00", "slug": "testing"}],
              "days": [
                {
                  "index": 1,
                  "date": "2027-03-05",
                  "day_start": "2027-03-05T06:00:00+01:00",
                  "rooms": {
                    "Saal 1": [
                      {
                        "id": 201,
                        "guid": "5e0c2a3e-0000-4000-8000-000000000201",
                        "date": "2027-03-05T10:00:00+01:00",
                        "start": "10:00",
                        "duration": "00:30",
                        "room": "Saal 1",
                        "title": "Json Talk",
                        "track": "Testing",
                        "type": "Talk",
                        "language": "en",
                        "abstract": "Short.",
                        "description": "Longer text.",
                        "persons": [{"id": 9, "public_name": "Bo Example", "email": "bo@example.org"}],
                        "links": [{"url": "https://example.org/v.mp4", "title": "Video"}],
                        "attachments": []
                      }
                    ]
                  }
                },
                {
                  "index": 2,
                  "date": "2027-03-06",
                  "rooms": {
                    "Saal 1": [
                      {"id": 202, "start": "00:30", "duration": "01:00", "title": "Late", "persons": ["Cy Example"]}
                    ]
                  }
                }
              ]
            }
          }
        }
        """;

    public const string OpenEvent = """
        {
          "event": {"name": "Demo Open Event", "identifier": "abc123", "timezone": "Asia/Singapore", "email": "org@example.org",
                    "location-name": "Hall", "latitude": 1.3, "longitude": 103.8, "schedule-published-on": "2027-01-05T10:00:00+08:00"},
          "tracks": [{"id": 1, "name": "Web", "color": "rgba(0, 128, 255, 1)"}],
          "microlocations": [{"id": 4, "name": "Room 1", "floor": 2, "latitude": null, "longitude": null}],
          "speakers": [{"id": 11, "name": "Dee Example", "email": "dee@example.org", "mobile": "+65 0000", "position": "Engineer"}],
          "sessions": [
            {"id": 31, "title": "Accepted", "starts-at": "2027-03-01T09:00:00+08:00", "ends-at": "2027-03-01T09:30:00+08:00",
             "state": "accepted", "track": {"id": 1, "name": "Web"}, "microlocation": {"id": 4, "name": "Room 1"},
             "session-type": {"id": 2, "name": "Talk", "length": 0.3}, "short-abstract": "<p>Hi</p>",
             "speakers": [{"id": 11, "name": "Dee Example", "organisation": "Org"}]},
            {"id": 32, "title": "Withdrawn", "start_time": "2027-03-01T10:00:00+08:00", "end_time": "2027-03-01T10:30:00+08:00",
             "state": "withdrawn", "speakers": [11]},
            {"id": 33, "title": "Unscheduled", "starts-at": null, "ends-at": null, "state": "pending"}
          ]
        }
        """;

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static Event Import(IScheduleImporter importer, string text, ImportOptions? options = null) =>
        importer.Import(new MemoryStream(Bytes(text)), options ?? Options);

    /// <summary>
    /// Runs <paramref name="import"/> and fails unless it either succeeds with a well-formed model
    /// or throws <see cref="ImportException"/>.
    /// </summary>
    public static void ImportsOrRefuses(Func<Event> import, string what)
    {
        try
        {
            ModelChecks.AssertWellFormed(import());
        }
        catch (ImportException)
        {
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
    }
}
