using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Changes;

/// <summary>
/// What a subscriber sees of a public session, for comparing two versions of an event:
/// title, times, room name and speaker names. Non-public sessions have no view.
/// </summary>
internal sealed record SessionView(string Title, long Start, long End, string? Room, string? Speakers)
{
    public static Dictionary<string, SessionView> Of(Event schedule)
    {
        var views = new Dictionary<string, SessionView>(StringComparer.Ordinal);
        foreach (var session in schedule.Sessions)
        {
            if (session.State.IsPublic())
            {
                views[session.Id] = new SessionView(
                    session.Title,
                    session.Start.ToUnixTimeSeconds(),
                    session.End.ToUnixTimeSeconds(),
                    session.Room?.Name,
                    session.Speakers.Count == 0 ? null : string.Join(", ", session.Speakers.Select(s => s.Name)));
            }
        }

        return views;
    }

    public Instant StartInstant => Instant.FromUnixTimeSeconds(Start);

    public Instant EndInstant => Instant.FromUnixTimeSeconds(End);
}
