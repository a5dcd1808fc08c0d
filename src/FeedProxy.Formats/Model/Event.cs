using NodaTime;

namespace FeedProxy.Formats.Model;

/// <summary>Who may read an event's feeds.</summary>
public enum EventVisibility
{
    /// <summary>Listed and served at /events/{id}.*</summary>
    Public,
    /// <summary>Served only under a secret token URL, never listed.</summary>
    Private,
}

/// <summary>An event (conference, campus calendar) with its schedule.</summary>
public sealed record Event
{
    /// <summary>URL-safe identifier (slug), unique per server.</summary>
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? Url { get; init; }
    /// <summary>IANA time zone id (TZDB), e.g. "Europe/Brussels".</summary>
    public required string TimeZone { get; init; }
    public Venue? Venue { get; init; }
    public string? ImageUrl { get; init; }
    public bool Published { get; init; } = true;
    public EventVisibility Visibility { get; init; } = EventVisibility.Public;
    /// <summary>Last change of the event's own fields (not its sessions).</summary>
    public required Instant LastModified { get; init; }
    public IReadOnlyList<Track> Tracks { get; init; } = [];
    public IReadOnlyList<Room> Rooms { get; init; } = [];
    public IReadOnlyList<Speaker> Speakers { get; init; } = [];
    /// <summary>All sessions in every state; feeds select from them (see <see cref="Feeds.FeedSelection"/>).</summary>
    public IReadOnlyList<Session> Sessions { get; init; } = [];
}
