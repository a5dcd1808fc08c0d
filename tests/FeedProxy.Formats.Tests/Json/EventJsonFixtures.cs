using FeedProxy.Formats.Json;

namespace FeedProxy.Formats.Tests.Json;

/// <summary>Small valid documents that tests break one field at a time.</summary>
internal static class EventJsonFixtures
{
    public static EventJson Minimal() => new()
    {
        Id = "mini",
        Name = "Mini Event",
        TimeZone = "Europe/Berlin",
        Url = "https://mini.feedproxy.example/",
        LastModified = "2027-02-01T10:00:00Z",
        Venue = new VenueJson { Name = "Test Venue", Address = "Teststraße 1, Berlin", Latitude = 52.5, Longitude = 13.4 },
        Tracks = [new TrackJson { Id = "main", Name = "Main track", Color = "#112233" }],
        Rooms = [new RoomJson { Id = "room-1", Name = "Room 1", Floor = 1, Latitude = 52.5, Longitude = 13.4 }],
        Speakers = [new SpeakerJson { Id = "sp-1", Name = "Zoë Example", Organisation = "Example Org", Email = "zoe@example.org" }],
        Sessions =
        [
            Session("s1", "2027-03-26T09:00:00+01:00", "2027-03-26T09:45:00+01:00"),
        ],
    };

    public static SessionJson Session(string id, string start, string? end = null, string? duration = null) => new()
    {
        Id = id,
        Title = "Session " + id,
        Start = start,
        End = end,
        Duration = duration,
        Track = "main",
        Room = "room-1",
        Speakers = ["sp-1"],
        Url = "https://mini.feedproxy.example/sessions/" + id,
    };
}
