using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Tests.Support;

/// <summary>
/// A small, fixed, made-up schedule for the syndication and conference-xCal writers: sessions
/// on both sides of the 2027 DST change in Europe/Berlin (28 March, 02:00 → 03:00), one
/// spanning it, one cancelled, non-ASCII speakers, images, and an abstract with characters
/// that XML and HTML must escape.
/// </summary>
internal static class SyndicationSamples
{
    public const string EventId = "sample-conf";
    public const string UidDomain = "feeds.example.org";

    private static readonly Track Security = new() { Id = "security", Name = "Security", Color = "#aa0000" };
    private static readonly Track Making = new() { Id = "making", Name = "Hardware & Making" };
    private static readonly Room HallA = new() { Id = "hall-a", Name = "Hall A" };
    private static readonly Room Room2 = new() { Id = "room-2", Name = "Room 2" };
    private static readonly Speaker Joerg = new() { Id = "sp1", Name = "Jörg Übermaß" };
    private static readonly Speaker Zoe = new() { Id = "sp2", Name = "Zoë Ångström" };
    private static readonly Speaker Hanako = new() { Id = "sp3", Name = "田中 花子" };
    private static readonly Speaker Ana = new() { Id = "sp4", Name = "Ana Łukasiewicz" };

    /// <summary>Friday 09:00 CET (+01:00), with an image and a hostile abstract.</summary>
    public static Session Opening { get; } = new()
    {
        Id = "opening",
        Title = "Opening: Keys & Locks < 2027",
        Subtitle = "Why the doors are open",
        Abstract = "We compare a < b && c > d.\nA CDATA end ]]> in the middle.\n\nSecond \"paragraph\" & more.",
        Start = Instant.FromUtc(2027, 3, 26, 8, 0),
        End = Instant.FromUtc(2027, 3, 26, 8, 45),
        Track = Security,
        Room = HallA,
        Type = "Talk",
        Language = "en",
        Url = "https://conf.example.org/2027/talks/opening",
        ImageUrl = "https://conf.example.org/img/opening.png",
        Speakers = [Joerg],
        LastModified = Instant.FromUtc(2027, 3, 10, 10, 0, 5),
        Revision = 2,
    };

    /// <summary>01:30 CET to 03:30 CEST on 28 March: one hour that spans the clock change. No URL, no image.</summary>
    public static Session NightHack { get; } = new()
    {
        Id = "night-hack",
        Title = "Night Hack",
        Abstract = "Bring a laptop.",
        Start = Instant.FromUtc(2027, 3, 28, 0, 30),
        End = Instant.FromUtc(2027, 3, 28, 1, 30),
        Room = Room2,
        Type = "Workshop",
        Speakers = [Zoe, Hanako],
        LastModified = Instant.FromUtc(2027, 3, 12, 9, 30),
    };

    /// <summary>Sunday 10:00 CEST (+02:00), cancelled, no abstract, no room.</summary>
    public static Session Cancelled { get; } = new()
    {
        Id = "soldering",
        Title = "Soldering for Everyone",
        Start = Instant.FromUtc(2027, 3, 28, 8, 0),
        End = Instant.FromUtc(2027, 3, 28, 9, 30),
        State = SessionState.Cancelled,
        Track = Making,
        Type = "Workshop",
        Speakers = [Ana],
        LastModified = Instant.FromUtc(2027, 3, 20, 17, 45),
        Revision = 3,
    };

    public static Event Event { get; } = new()
    {
        Id = EventId,
        Name = "Sample Conf 2027",
        Description = "A made-up conference used by the tests.",
        Url = "https://conf.example.org/2027/",
        TimeZone = "Europe/Berlin",
        Venue = new Venue { Name = "Kongresshaus Süd", Address = "Beispielweg 1" },
        ImageUrl = "https://conf.example.org/logo.png",
        LastModified = Instant.FromUtc(2027, 3, 1, 12, 0),
        Tracks = [Security, Making],
        Rooms = [HallA, Room2],
        Speakers = [Joerg, Zoe, Hanako, Ana],
        Sessions = [Opening, NightHack, Cancelled],
    };

    /// <summary>The sample as a feed of the given format and profile, ordered as FeedSelection orders.</summary>
    public static FeedDocument Document(FeedFormat format, SyndicationProfile profile = SyndicationProfile.Standard) => new()
    {
        Event = Event,
        Sessions = [Opening, NightHack, Cancelled],
        SelfUrl = new Uri($"https://{UidDomain}/events/{EventId}.{format.Extension()}"
            + (profile == SyndicationProfile.Campus ? "?profile=campus" : string.Empty)),
        UidDomain = UidDomain,
        RefreshInterval = Duration.FromMinutes(30),
        Options = FeedOptions.Default with
        {
            Profile = profile,
            XCalDialect = format == FeedFormat.XCal ? XCalDialect.Pentabarf : XCalDialect.Rfc6321,
        },
    };
}
