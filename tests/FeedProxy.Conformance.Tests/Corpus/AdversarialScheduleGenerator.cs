using System.Globalization;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Text;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;

namespace FeedProxy.Conformance.Tests.Corpus;

/// <summary>How a generated session's times were written in the event JSON.</summary>
internal enum SessionTiming
{
    Normal,
    /// <summary>Local start inside a DST gap (does not exist; the mapper moves it forward).</summary>
    StartInGap,
    /// <summary>Local start inside a fall-back overlap (exists twice; the mapper takes the first).</summary>
    StartInOverlap,
    /// <summary>Start given with the offset of the second occurrence of an overlapping local time.</summary>
    SecondOccurrence,
    /// <summary>Local end inside a DST gap.</summary>
    EndInGap,
    /// <summary>Starts before an offset change and ends after it.</summary>
    AcrossTransition,
    ZeroLength,
    MultiDay,
    Utc,
    DurationInsteadOfEnd,
}

/// <summary>What a generated corpus covers, so a test can prove the coverage is there.</summary>
internal sealed class GeneratorStatistics
{
    public Dictionary<SessionTiming, int> Timings { get; } = [];
    public HashSet<string> Zones { get; } = new(StringComparer.Ordinal);
    public int LongAbstracts { get; set; }
    public int EmptySchedules { get; set; }
    public int SelectedSessions { get; set; }
    public int HiddenSessions { get; set; }

    public void Count(SessionTiming timing) => Timings[timing] = Timings.GetValueOrDefault(timing) + 1;
}

/// <summary>
/// Deterministic hostile schedules. Each is raw event JSON — hostile text, every kind of
/// time string, sessions in DST gaps and overlaps of many IANA zones — passed through
/// <see cref="EventJsonMapper.ToModel"/> exactly as a stored or uploaded event would be.
/// Schedule <c>i</c> depends only on the seed and <c>i</c>.
/// </summary>
internal static class AdversarialScheduleGenerator
{
    public const int DefaultSeed = 20270301;
    public const int DefaultCount = 520;

    /// <summary>Zones with half-hour and 45-minute offsets, 30-minute DST, negative DST
    /// (Europe/Dublin), DST suspended for Ramadan (Africa/Casablanca), abolished DST, +14,
    /// midnight transitions, and a backward-link alias.</summary>
    public static readonly string[] Zones =
    [
        "Australia/Lord_Howe", "Europe/Dublin", "Africa/Casablanca", "America/Sao_Paulo", "Pacific/Chatham",
        "Asia/Kolkata", "UTC", "Europe/Brussels", "America/New_York", "America/St_Johns", "Asia/Kathmandu",
        "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Santiago", "Africa/Cairo", "Antarctica/Troll",
        "America/Havana", "America/Nuuk", "Asia/Tehran", "Europe/London", "Australia/Sydney",
        "America/Los_Angeles", "Asia/Tokyo", "Asia/Calcutta", "Etc/GMT+5", "Asia/Gaza", "Europe/Moscow",
    ];

    /// <summary>Session times fall in this span around <see cref="CorpusDocument.Now"/>.</summary>
    private static readonly Interval Span = new(Instant.FromUtc(2026, 9, 1, 0, 0), Instant.FromUtc(2028, 3, 1, 0, 0));

    private static readonly string[] Urls =
    [
        "https://example.org/talks/1?a=1&b=2", "https://example.org/ü/ñ?q=\"x\"&y='z'#frag", "http://example.org/a b c",
        "https://example.org/<script>alert(1)</script>", "https://[2001:db8::1]:8443/x?y=1", "https://bücher.example/pfad/ä",
        "https://example.org/;,:@$!*()", "https://example.org/" + new string('a', 300), "https://example.org/%00%0D%0A",
        "HTTPS://EXAMPLE.ORG/UPPER/Case", " https://example.org/padded \t",
    ];

    private static readonly string[] ImageUrls =
    [
        "https://example.org/img/a.png", "https://example.org/img/ü ñ.jpg?w=1&h=2", "https://example.org/img/<x>.gif",
        "http://example.org/img/" + new string('b', 200) + ".png", "https://example.org/img/q.png?a=1&amp;b=2",
    ];

    // Mostly public states (feeds show those), in the spellings importers meet; cancelled
    // ones inside and outside their retention; a share of states feeds must never show.
    private static readonly string[] PublicStates = ["confirmed", "Confirmed", "accepted", "scheduled", " CONFIRMED "];
    private static readonly string[] CancelledStates = ["CANCELLED", "canceled"];
    private static readonly string[] HiddenStates = ["draft", "pending", "rejected", "withdrawn", "submitted"];

    public static IReadOnlyList<CorpusDocument> Generate(int count = DefaultCount, int seed = DefaultSeed, GeneratorStatistics? statistics = null)
    {
        statistics ??= new GeneratorStatistics();
        var documents = new List<CorpusDocument>(count);
        for (var i = 0; i < count; i++)
        {
            documents.Add(GenerateOne(i, seed, statistics));
        }

        return documents;
    }

    private static CorpusDocument GenerateOne(int index, int seed, GeneratorStatistics statistics)
    {
        var random = new Random(unchecked((seed * 1_000_003) + index));
        var text = new HostileText(random);
        var zoneId = Zones[index % Zones.Length];
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        statistics.Zones.Add(zoneId);
        var id = $"g{index:D4}" + IdSuffix(random, 120);

        var json = new EventJson
        {
            Id = id,
            Name = Visible(text.Line(), $"Event {index}"),
            Description = Optional(random, text, () => text.Text(random.Next(0, 600))),
            Url = Maybe(random, Urls),
            TimeZone = random.Next(8) == 0 ? $"  {zoneId}\t" : zoneId,
            Image = Maybe(random, ImageUrls),
            Published = random.Next(10) != 0,
            Visibility = random.Next(6) == 0 ? (random.Next(2) == 0 ? "private" : "PRIVATE") : null,
            LastModified = OffsetText(CorpusDocument.Now - Duration.FromDays(random.Next(1, 400)), zone),
            Venue = random.Next(3) == 0 ? null : new VenueJson
            {
                Name = Visible(text.Line(2), "Venue"),
                Address = Optional(random, text, () => text.Line(2)),
                Latitude = random.Next(3) == 0 ? null : Coordinate(random, 90),
                Longitude = null,
            },
            Tracks = [],
            Rooms = [],
            Speakers = [],
            Sessions = [],
        };
        if (json.Venue?.Latitude is not null)
        {
            json.Venue.Longitude = Coordinate(random, 180);
        }

        for (var t = 0; t < random.Next(0, 6); t++)
        {
            json.Tracks.Add(new TrackJson { Id = $"t{t}" + IdSuffix(random, 20), Name = Visible(text.Line(2), $"Track {t}"), Color = random.Next(2) == 0 ? $"#{random.Next(0x1000000):x6}" : null });
        }

        for (var r = 0; r < random.Next(0, 6); r++)
        {
            json.Rooms.Add(new RoomJson
            {
                Id = $"r{r}" + IdSuffix(random, 20),
                Name = Visible(text.Line(2), $"Room {r}"),
                Floor = random.Next(3) == 0 ? random.Next(-3, 40) : null,
                Latitude = random.Next(4) == 0 ? Coordinate(random, 90) : null,
            });
            if (json.Rooms[^1].Latitude is not null)
            {
                json.Rooms[^1].Longitude = Coordinate(random, 180);
            }
        }

        for (var s = 0; s < random.Next(0, 7); s++)
        {
            json.Speakers.Add(new SpeakerJson
            {
                Id = $"p{s}" + IdSuffix(random, 20),
                Name = Visible(text.Line(2), $"Speaker {s}"),
                Organisation = Optional(random, text, () => text.Line(1)),
                Position = Optional(random, text, () => text.Line(1)),
                Email = $"speaker{s}@example.org",
            });
        }

        var sessionCount = index % 50 == 0 ? 0 : index % 97 == 1 ? 150 : random.Next(1, 16);
        var transitions = Transitions(zone);
        for (var s = 0; s < sessionCount; s++)
        {
            json.Sessions.Add(GenerateSession(random, text, json, s, zone, transitions, statistics));
        }

        var schedule = EventJsonMapper.ToModel(json, CorpusDocument.Now);
        var document = CorpusDocument.Create(CorpusKinds.Generated, $"g{index:D4}", schedule, d => d with
        {
            IsSubscription = index % 40 != 7,
            PageUrl = random.Next(3) == 0 ? null : new Uri($"https://example.org/events/{id}?a=1&b=<2>"),
            RefreshInterval = Duration.FromMinutes(random.Next(15, 1441)),
            Subtitle = random.Next(5) == 0 ? TextSanitizer.Line("Track: " + text.Line(1)) : null,
        });
        statistics.SelectedSessions += document.SessionCount;
        statistics.HiddenSessions += schedule.Sessions.Count - document.SessionCount;
        if (document.SessionCount == 0)
        {
            statistics.EmptySchedules++;
        }

        return document;
    }

    private static SessionJson GenerateSession(
        Random random, HostileText text, EventJson json, int index, DateTimeZone zone,
        List<(Instant At, Offset Before, Offset After)> transitions, GeneratorStatistics statistics)
    {
        var session = new SessionJson
        {
            Id = $"s{index:D3}" + IdSuffix(random, random.Next(8) == 0 ? 124 : 12),
            Title = Visible(text.Line(random.Next(1, 4)), $"Session {index}"),
            Subtitle = Optional(random, text, () => text.Line(1)),
            State = random.Next(100) switch
            {
                < 70 => PublicStates[random.Next(PublicStates.Length)],
                < 85 => CancelledStates[random.Next(CancelledStates.Length)],
                _ => HiddenStates[random.Next(HiddenStates.Length)],
            },
            Track = json.Tracks!.Count > 0 && random.Next(4) != 0 ? json.Tracks[random.Next(json.Tracks.Count)].Id : null,
            Room = json.Rooms!.Count > 0 && random.Next(4) != 0 ? json.Rooms[random.Next(json.Rooms.Count)].Id : null,
            Type = Optional(random, text, () => random.Next(2) == 0 ? "Talk" : text.Line(1)),
            Language = Optional(random, text, () => random.Next(2) == 0 ? "de, en" : text.Line(1)),
            Url = Maybe(random, Urls),
            Image = Maybe(random, ImageUrls),
            StreamUrl = Maybe(random, Urls),
            VideoUrl = Maybe(random, Urls),
            SlidesUrl = Maybe(random, Urls),
            Speakers = [.. json.Speakers!.Where(_ => random.Next(3) == 0).Select(s => s.Id!)],
            Revision = random.Next(4) == 0 ? random.Next(0, 1000) : null,
        };
        var abstractKind = random.Next(20);
        if (abstractKind == 0)
        {
            session.Abstract = text.Text(10_000);
            statistics.LongAbstracts++;
        }
        else
        {
            session.Abstract = Optional(random, text, () => text.Text(random.Next(1, 800)));
        }

        // Cancelled sessions stay in feeds for 30 days after their last change: some inside,
        // some outside that retention.
        session.LastModified = random.Next(5) == 0
            ? null
            : OffsetText(CorpusDocument.Now - Duration.FromHours(random.Next(0, 24 * 60)), zone);
        SetTimes(random, session, zone, transitions, statistics);
        return session;
    }

    private static void SetTimes(
        Random random, SessionJson session, DateTimeZone zone,
        List<(Instant At, Offset Before, Offset After)> transitions, GeneratorStatistics statistics)
    {
        var gaps = transitions.Where(t => t.After > t.Before).ToList();
        var overlaps = transitions.Where(t => t.After < t.Before).ToList();
        var timing = (SessionTiming)random.Next(Enum.GetValues<SessionTiming>().Length);
        if (timing is SessionTiming.StartInGap or SessionTiming.EndInGap && gaps.Count == 0)
        {
            timing = SessionTiming.Normal;
        }

        if (timing is SessionTiming.StartInOverlap or SessionTiming.SecondOccurrence && overlaps.Count == 0)
        {
            timing = SessionTiming.Normal;
        }

        if (timing == SessionTiming.AcrossTransition && transitions.Count == 0)
        {
            timing = SessionTiming.Normal;
        }

        statistics.Count(timing);
        var length = Duration.FromMinutes(random.Next(1, 17) * 15);
        switch (timing)
        {
            case SessionTiming.StartInGap:
            {
                var (at, before, after) = gaps[random.Next(gaps.Count)];
                var local = at.WithOffset(before).LocalDateTime.PlusSeconds((after.Seconds - before.Seconds) / 2);
                session.Start = LocalText(local);
                var resolved = local.InZoneLeniently(zone).ToInstant();
                session.End = OffsetText(resolved + length, zone);
                break;
            }

            case SessionTiming.EndInGap:
            {
                var (at, before, after) = gaps[random.Next(gaps.Count)];
                var localEnd = at.WithOffset(before).LocalDateTime.PlusSeconds((after.Seconds - before.Seconds) / 2);
                session.Start = OffsetText(at - Duration.FromMinutes(random.Next(1, 5) * 30), zone);
                session.End = LocalText(localEnd);
                break;
            }

            case SessionTiming.StartInOverlap or SessionTiming.SecondOccurrence:
            {
                var (at, before, after) = overlaps[random.Next(overlaps.Count)];
                var local = at.WithOffset(after).LocalDateTime.PlusSeconds((before.Seconds - after.Seconds) / 2);
                if (timing == SessionTiming.StartInOverlap)
                {
                    session.Start = LocalText(local);
                    session.End = OffsetText(local.InZoneLeniently(zone).ToInstant() + length, zone);
                }
                else
                {
                    var second = new OffsetDateTime(local, after);
                    session.Start = OffsetDateTimePattern.ExtendedIso.Format(second);
                    session.End = OffsetText(second.ToInstant() + length, zone);
                }

                break;
            }

            case SessionTiming.AcrossTransition:
            {
                var (at, _, _) = transitions[random.Next(transitions.Count)];
                session.Start = UnambiguousText(at - Duration.FromMinutes(random.Next(1, 9) * 15), zone, random);
                session.End = UnambiguousText(at + Duration.FromMinutes(random.Next(1, 9) * 15), zone, random);
                break;
            }

            default:
            {
                var start = RandomInstant(random, zone);
                var end = timing switch
                {
                    SessionTiming.ZeroLength => start,
                    SessionTiming.MultiDay => start + Duration.FromHours(random.Next(24, 80)),
                    _ => start + length,
                };
                if (timing == SessionTiming.Utc)
                {
                    session.Start = InstantPattern.ExtendedIso.Format(start);
                    session.End = InstantPattern.ExtendedIso.Format(end);
                }
                else if (timing == SessionTiming.DurationInsteadOfEnd)
                {
                    session.Start = UnambiguousText(start, zone, random);
                    session.Duration = random.Next(3) switch
                    {
                        0 => $"{(int)length.TotalHours:D2}:{length.Minutes:D2}",
                        1 => $"PT{(int)length.TotalMinutes}M",
                        _ => "PT0S",
                    };
                }
                else
                {
                    session.Start = UnambiguousText(start, zone, random);
                    session.End = UnambiguousText(end, zone, random);
                }

                break;
            }
        }
    }

    /// <summary>Every change of the zone's wall offset inside the span.</summary>
    private static List<(Instant At, Offset Before, Offset After)> Transitions(DateTimeZone zone)
    {
        var list = new List<(Instant, Offset, Offset)>();
        ZoneInterval? previous = null;
        foreach (var interval in zone.GetZoneIntervals(Span))
        {
            if (previous is not null && previous.WallOffset != interval.WallOffset)
            {
                list.Add((interval.Start, previous.WallOffset, interval.WallOffset));
            }

            previous = interval;
        }

        return list;
    }

    private static Instant RandomInstant(Random random, DateTimeZone zone)
    {
        var day = Span.Start + Duration.FromDays(random.Next(0, (int)(Span.Duration.TotalDays - 4)));
        var date = day.InZone(zone).Date;
        var local = date.At(new LocalTime(random.Next(0, 24), random.Next(0, 4) * 15));
        return local.InZoneLeniently(zone).ToInstant();
    }

    /// <summary>Local text when the local time exists exactly once, else with an offset or in UTC.</summary>
    private static string UnambiguousText(Instant instant, DateTimeZone zone, Random random)
    {
        var local = instant.InZone(zone).LocalDateTime;
        return random.Next(3) switch
        {
            0 when zone.MapLocal(local).Count == 1 => LocalText(local),
            1 => InstantPattern.ExtendedIso.Format(instant),
            _ => OffsetText(instant, zone),
        };
    }

    private static string LocalText(LocalDateTime local) => LocalDateTimePattern.ExtendedIso.Format(local);

    private static string OffsetText(Instant instant, DateTimeZone zone) =>
        OffsetDateTimePattern.ExtendedIso.Format(instant.InZone(zone).ToOffsetDateTime());

    /// <summary>Characters ids may hold, up to <paramref name="max"/> of them.</summary>
    private static string IdSuffix(Random random, int max)
    {
        const string alphabet = "abcXYZ019._-";
        var length = random.Next(0, max + 1);
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }

    /// <summary>Required text must survive sanitising; hostile text that sanitises to nothing gets a visible tail.</summary>
    private static string Visible(string hostile, string fallback) =>
        TextSanitizer.Line(hostile) is null ? hostile + " " + fallback : hostile;

    private static string? Optional(Random random, HostileText text, Func<string> value) => random.Next(4) switch
    {
        0 => null,
        1 => text.Blank(),
        _ => value(),
    };

    private static string? Maybe(Random random, string[] values) => random.Next(3) switch
    {
        0 => null,
        1 => random.Next(2) == 0 ? "" : "   ",
        _ => values[random.Next(values.Length)],
    };

    private static double Coordinate(Random random, int limit) => random.Next(6) switch
    {
        0 => limit,
        1 => -limit,
        2 => 1e-7,
        3 => 0,
        _ => Math.Round((random.NextDouble() * 2 * limit) - limit, 6),
    };

    public static string Describe(GeneratorStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return string.Join(", ", statistics.Timings.OrderBy(t => t.Key).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key}={t.Value}")));
    }
}
