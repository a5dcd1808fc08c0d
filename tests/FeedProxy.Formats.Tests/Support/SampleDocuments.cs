using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Tests.Support;

/// <summary>
/// A small, fixed, invented schedule for golden files and format tests: four sessions in
/// Europe/Berlin around the March 2027 change to summer time, one cancelled, non-ASCII names,
/// an abstract full of iCalendar special characters and an emoji. Every value is constant,
/// so renders are byte-for-byte reproducible.
/// </summary>
public static class SampleDocuments
{
    public const string ZoneId = "Europe/Berlin";

    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb[ZoneId];

    public static Track Security { get; } = new() { Id = "security", Name = "Security", Color = "#d32f2f" };

    public static Track Community { get; } = new() { Id = "community", Name = "Community & Outreach", Color = "#1e88e5" };

    public static Room MainHall { get; } = new() { Id = "main", Name = "Main Hall", Floor = 0, Geo = new GeoPoint(52.5200081, 13.4049540) };

    public static Room Workshop { get; } = new() { Id = "ws1", Name = "Workshop Room 1", Floor = 1 };

    public static Speaker Zoe { get; } = new() { Id = "zoe", Name = "Zoë Ødegård", Organisation = "Example Labs" };

    public static Speaker Hanako { get; } = new() { Id = "hanako", Name = "田中 花子" };

    public static Speaker Ana { get; } = new() { Id = "ana", Name = "Ana Example", Organisation = "Sample Org, Inc.", Position = "Engineer" };

    /// <summary>The event with its four sessions, in start order.</summary>
    public static Event Conference()
    {
        var sessions = new List<Session>
        {
            new()
            {
                Id = "s1",
                Title = "Opening: feeds, calendars; and \\ backslashes",
                Subtitle = "Why subscriptions break",
                Abstract = "Line one, with a comma; a semicolon \\ a backslash: and a colon.\nLine two.\n\nA new paragraph after an empty line.",
                Start = Local(2027, 3, 26, 9, 0),
                End = Local(2027, 3, 26, 10, 0),
                Track = Security,
                Room = MainHall,
                Type = "Talk",
                Language = "en",
                Url = "https://conf.example.org/2027/talks/s1",
                ImageUrl = "https://conf.example.org/2027/img/s1.png",
                StreamUrl = "https://stream.example.org/main",
                SlidesUrl = "https://conf.example.org/2027/slides/s1.pdf",
                VideoUrl = "https://video.example.org/2027/s1",
                Speakers = [Zoe, Hanako],
                LastModified = Instant.FromUtc(2027, 2, 1, 12, 0, 0),
                Revision = 2,
            },
            new()
            {
                Id = "s2",
                Title = "Cancelled workshop",
                Abstract = "This workshop will not take place.",
                Start = Local(2027, 3, 27, 14, 0),
                End = Local(2027, 3, 27, 15, 30),
                State = SessionState.Cancelled,
                Track = Community,
                Room = Workshop,
                Type = "Workshop",
                Speakers = [Ana],
                LastModified = Instant.FromUtc(2027, 3, 1, 8, 30, 15),
                Revision = 5,
            },
            new()
            {
                // First day of summer time: local 10:00 is 08:00 UTC, as s1's 09:00 was.
                Id = "s3",
                Title = "Rust 🦀 in production — 東京 edition",
                Abstract = "Emoji 🎉 and CJK 日本語 text that is long enough to be folded across several content lines, so that multi-octet characters land right at the fold boundary somewhere.",
                Start = Local(2027, 3, 28, 10, 0),
                End = Local(2027, 3, 28, 10, 45),
                Track = Security,
                Room = MainHall,
                Type = "Talk",
                Speakers = [Hanako, Ana],
                LastModified = Instant.FromUtc(2027, 2, 15, 9, 0, 0),
                Revision = 0,
            },
            new()
            {
                Id = "s4",
                Title = "Closing",
                Start = Local(2027, 3, 29, 16, 30),
                End = Local(2027, 3, 29, 17, 0),
                LastModified = Instant.FromUtc(2027, 1, 10, 0, 0, 0),
            },
        };

        return new Event
        {
            Id = "feedconf-2027",
            Name = "FeedConf 2027",
            Description = "A conference about calendar feeds, in Berlin; all times are local.",
            Url = "https://conf.example.org/2027/",
            TimeZone = ZoneId,
            Venue = new Venue { Name = "Messe Süd", Address = "Beispielstraße 1, Berlin", Geo = new GeoPoint(52.5, 13.4) },
            ImageUrl = "https://conf.example.org/2027/logo.png",
            LastModified = Instant.FromUtc(2027, 1, 5, 10, 0, 0),
            Tracks = [Security, Community],
            Rooms = [MainHall, Workshop],
            Speakers = [Zoe, Hanako, Ana],
            Sessions = sessions,
        };
    }

    /// <summary>A subscription feed of the whole conference.</summary>
    public static FeedDocument Document(TimeMode timeMode = TimeMode.EventZone, XCalDialect dialect = XCalDialect.Rfc6321)
    {
        var conference = Conference();
        return new FeedDocument
        {
            Event = conference,
            Sessions = conference.Sessions,
            SelfUrl = new Uri("https://feeds.example.org/events/feedconf-2027.ics"),
            PageUrl = new Uri("https://conf.example.org/2027/"),
            UidDomain = "feeds.example.org",
            RefreshInterval = Duration.FromMinutes(30),
            Options = new FeedOptions { TimeMode = timeMode, XCalDialect = dialect },
        };
    }

    /// <summary>The same document with one session replaced (titles for injection tests and the like).</summary>
    public static FeedDocument WithSession(FeedDocument document, Func<Session, Session> change)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(change);
        var sessions = document.Sessions.Select((s, i) => i == 0 ? change(s) : s).ToList();
        return document with { Sessions = sessions };
    }

    private static Instant Local(int year, int month, int day, int hour, int minute) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(Zone).ToInstant();
}
