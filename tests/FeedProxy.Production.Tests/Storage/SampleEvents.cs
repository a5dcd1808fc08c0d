using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Production.Tests.Storage;

/// <summary>A small synthetic event that uses every field of the model.</summary>
internal static class SampleEvents
{
    public static readonly Instant Start = Instant.FromUtc(2026, 2, 1, 9, 0);

    public static Event Create(string id)
    {
        var main = new Track { Id = "main", Name = "Main track", Color = "#112233" };
        var side = new Track { Id = "side", Name = "Side track" };
        var hall = new Room { Id = "hall", Name = "Hall A", Floor = 1, Geo = new GeoPoint(50.8, 4.38) };
        var lab = new Room { Id = "lab", Name = "Lab" };
        var ada = new Speaker { Id = "s1", Name = "Speaker One", Organisation = "Org", Position = "Engineer" };
        var bob = new Speaker { Id = "s2", Name = "Speaker Two" };
        return new Event
        {
            Id = id,
            Name = "Sample Conference",
            Description = "Line one\nLine two",
            Url = "https://example.org/conf",
            TimeZone = "Europe/Brussels",
            Venue = new Venue { Name = "Campus", Address = "Street 1\nCity", Geo = new GeoPoint(50.81, 4.38) },
            ImageUrl = "https://example.org/logo.png",
            Published = true,
            Visibility = EventVisibility.Public,
            LastModified = Instant.FromUtc(2026, 1, 10, 12, 0),
            Tracks = [main, side],
            Rooms = [hall, lab],
            Speakers = [ada, bob],
            Sessions =
            [
                new Session
                {
                    Id = "101",
                    Title = "Opening",
                    Subtitle = "Welcome",
                    Abstract = "About the day.\nSecond line.",
                    Start = Start,
                    End = Start + Duration.FromMinutes(30),
                    State = SessionState.Confirmed,
                    Track = main,
                    Room = hall,
                    Type = "Talk",
                    Language = "en",
                    Url = "https://example.org/s/101",
                    ImageUrl = "https://example.org/s/101.png",
                    StreamUrl = "https://example.org/live/hall",
                    VideoUrl = "https://example.org/v/101",
                    SlidesUrl = "https://example.org/slides/101",
                    Speakers = [ada, bob],
                    LastModified = Instant.FromUtc(2026, 1, 9, 8, 0),
                    Revision = 2,
                },
                new Session
                {
                    Id = "102",
                    Title = "Workshop",
                    Start = Start + Duration.FromHours(1),
                    End = Start + Duration.FromHours(3),
                    State = SessionState.Cancelled,
                    Track = side,
                    Room = lab,
                    Speakers = [bob],
                    LastModified = Instant.FromUtc(2026, 1, 9, 8, 0),
                },
                new Session
                {
                    Id = "103",
                    Title = "Break",
                    Start = Start + Duration.FromHours(4),
                    End = Start + Duration.FromHours(4.5),
                    LastModified = Instant.FromUtc(2026, 1, 9, 8, 0),
                },
            ],
        };
    }
}
