using System.Globalization;
using System.Text;
using System.Text.Json;
using FeedProxy.Formats.Json;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Benchmarks;

/// <summary>
/// Deterministic, invented conference schedules of any size in the documented event format
/// (docs/event-format.md). Same size, same bytes: a seeded generator, no clock. Text lengths
/// are those of real conference schedules (titles 20-90 characters, abstracts 200-1,600),
/// with non-ASCII names and characters that need escaping; the days span the change to
/// summer time in Europe/Berlin (Sunday 2027-03-28) so the zone's rules matter.
/// </summary>
internal static class ScheduleGenerator
{
    public const string TimeZoneId = "Europe/Berlin";

    private static readonly LocalDate FirstDay = new(2027, 3, 27);
    private static readonly OffsetDateTimePattern Iso = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<+HH:mm>");

    private static readonly string[] Words =
    [
        "calendar", "feed", "schedule", "latency", "cache", "zone", "offset", "recurrence", "protocol",
        "subscriber", "render", "stream", "buffer", "index", "query", "replica", "failover", "consensus",
        "accessibility", "design", "community", "governance", "release", "pipeline", "observability",
        "metrics", "tracing", "budget", "migration", "schema", "Zürich", "café", "naïve", "façade",
        "Ångström", "Łódź", "São", "Kraków", "Straße", "東京", "Αθήνα", "Москва", "co-operative",
        "real-time", "edge", "client", "server", "mobile", "offline", "sync", "conflict", "merge",
    ];

    private static readonly string[] FirstNames =
        ["Ana", "Björn", "Chiara", "Dmitri", "Élodie", "Farida", "Gökhan", "Hana", "Ingrid", "José", "Kwame", "Léa", "Mateus", "Nnamdi", "Oksana", "Priya", "Quentin", "Rūta", "Søren", "Tomás", "Ulla", "Vũ", "Wiktoria", "Xiomara", "Yusuf", "Zofia"];

    private static readonly string[] LastNames =
        ["Abara", "Bergström", "Castellanos", "Dąbrowski", "Eriksen", "Fontaine", "García", "Horváth", "Ishikawa", "Jovanović", "Kowalczyk", "Lindqvist", "Müller", "Nakamura", "O'Brien", "Papadopoulos", "Quiroga", "Rossi", "Schäfer", "Tanaka", "Üzümcü", "Van der Berg", "Wójcik", "Xu", "Yılmaz", "Żukowski"];

    private static readonly (string Id, string Name, string Color)[] Tracks =
    [
        ("time", "Time & Calendars", "#1F6FB4"), ("web", "Web & APIs", "#E8730C"), ("data", "Data & Storage", "#2E9E44"),
        ("ops", "Operations & Reliability", "#C62D2D"), ("community", "Community & Open Source", "#8155BA"),
        ("design", "Design & Accessibility", "#8A5A44"), ("security", "Security; Privacy", "#333333"), ("mobile", "Mobile, Offline", "#17BECF"),
    ];

    private static readonly string[] Types = ["Talk", "Talk", "Talk", "Workshop", "Lightning talk", "Panel"];

    /// <summary>A schedule with exactly <paramref name="sessions"/> sessions (1% cancelled).</summary>
    public static EventJson Generate(int sessions, string id)
    {
        var rng = new Random(sessions);
        var zone = DateTimeZoneProviders.Tzdb[TimeZoneId];
        var roomCount = Math.Clamp(sessions / 25, 4, 50);
        const int slotsPerDay = 10;
        var speakerCount = Math.Max(10, sessions * 2 / 3);

        var rooms = Enumerable.Range(1, roomCount).Select(i => new RoomJson
        {
            Id = $"room-{i}",
            Name = i % 5 == 0 ? $"Saal {i} (Erdgeschoß)" : $"Room {i}",
            Floor = i % 4,
            Latitude = Math.Round(52.5107 + (i * 0.00001), 6),
            Longitude = Math.Round(13.4201 + (i * 0.00001), 6),
        }).ToList();

        var speakers = Enumerable.Range(1, speakerCount).Select(i => new SpeakerJson
        {
            Id = $"sp-{i}",
            Name = $"{Pick(rng, FirstNames)} {Pick(rng, LastNames)}",
            Organisation = rng.Next(3) == 0 ? null : $"{Capital(Pick(rng, Words))} {Pick(rng, ["GmbH", "Labs", "University", "Collective", "AB", "S.A."])}",
            Position = rng.Next(2) == 0 ? null : Pick(rng, ["Engineer", "Researcher", "Maintainer", "Designer", "CTO"]),
            Email = $"speaker{i}@example.invalid", // must never reach a feed
        }).ToList();

        var list = new List<SessionJson>(sessions);
        for (var n = 0; n < sessions; n++)
        {
            var slot = n / roomCount;
            var day = FirstDay.PlusDays(slot / slotsPerDay);
            // 09:00, 10:00, ... 18:00; never in the 02:00-03:00 gap of the DST day.
            var local = day.At(new LocalTime(9 + (slot % slotsPerDay), 0));
            var start = local.InZoneLeniently(zone);
            var minutes = Pick(rng, [20, 30, 45, 45, 50]);
            var end = start.PlusMinutes(minutes);
            var track = Tracks[rng.Next(Tracks.Length)];
            var sessionSpeakers = Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => $"sp-{1 + rng.Next(speakerCount)}").Distinct().ToList();
            var sid = $"s{n + 1:D5}";
            list.Add(new SessionJson
            {
                Id = sid,
                Title = Sentence(rng, 20, 90),
                Subtitle = rng.Next(4) == 0 ? Sentence(rng, 15, 60) : null,
                Abstract = Paragraphs(rng, 200, 1600),
                Start = Iso.Format(start.ToOffsetDateTime()),
                End = Iso.Format(end.ToOffsetDateTime()),
                State = n % 100 == 42 ? "cancelled" : "confirmed",
                Track = track.Id,
                Room = rooms[n % roomCount].Id,
                Type = Pick(rng, Types),
                Language = rng.Next(5) == 0 ? "de" : "en",
                Url = $"https://bench.feedproxy.example/2027/sessions/{sid}",
                StreamUrl = rng.Next(3) == 0 ? $"https://stream.feedproxy.example/{rooms[n % roomCount].Id}" : null,
                SlidesUrl = rng.Next(4) == 0 ? $"https://bench.feedproxy.example/2027/slides/{sid}.pdf" : null,
                Speakers = sessionSpeakers,
                LastModified = "2027-03-20T12:00:00Z",
                Revision = rng.Next(4),
            });
        }

        return new EventJson
        {
            Id = id,
            Name = $"FeedProxy Benchmark Conference ({sessions.ToString("N0", CultureInfo.InvariantCulture)} sessions)",
            Description = "An invented schedule for benchmarks. Every title, abstract and name is generated.",
            Url = "https://bench.feedproxy.example/2027/",
            TimeZone = TimeZoneId,
            Published = true,
            Visibility = "public",
            LastModified = "2027-03-20T12:00:00Z",
            Venue = new VenueJson { Name = "Kongresshaus am Beispielufer", Address = "Beispielufer 12, 10179 Berlin, Germany", Latitude = 52.5107, Longitude = 13.4201 },
            Tracks = [.. Tracks.Select(t => new TrackJson { Id = t.Id, Name = t.Name, Color = t.Color })],
            Rooms = rooms,
            Speakers = speakers,
            Sessions = list,
        };
    }

    public static byte[] ToJson(EventJson schedule) =>
        JsonSerializer.SerializeToUtf8Bytes(schedule, EventJsonContext.Default.EventJson);

    private static T Pick<T>(Random rng, T[] values) => values[rng.Next(values.Length)];

    private static string Capital(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    private static string Sentence(Random rng, int min, int max)
    {
        var target = min + rng.Next(max - min);
        var text = new StringBuilder(Capital(Pick(rng, Words)));
        while (text.Length < target)
        {
            text.Append(rng.Next(12) switch { 0 => ", ", 1 => ": ", _ => " " }).Append(Pick(rng, Words));
        }

        return text.ToString();
    }

    private static string Paragraphs(Random rng, int min, int max)
    {
        var target = min + rng.Next(max - min);
        var text = new StringBuilder();
        while (text.Length < target)
        {
            text.Append(Sentence(rng, 40, 140)).Append(rng.Next(8) switch
            {
                0 => "; \"quoted\" & <b>not markup</b>. ",
                1 => ".\n\n",
                2 => " \U0001F4C5. ",
                _ => ". ",
            });
        }

        return text.ToString().TrimEnd();
    }
}
