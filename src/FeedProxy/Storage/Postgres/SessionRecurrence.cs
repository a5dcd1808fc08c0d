using System.Text.Json;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Storage.Postgres;

/// <summary>
/// A session's recurrence as stored by the PostgreSQL store: the "recurrence" object of the
/// JSON event format (times with explicit offsets, overrides referring to tracks, rooms and
/// speakers by id), so the stored document means exactly what an event file means and is read
/// back through the same validation.
/// </summary>
internal static class SessionRecurrence
{
    /// <summary>The JSON text of the session's recurrence; null for a one-off session.</summary>
    public static string? ToJson(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Recurrence is null)
        {
            return null;
        }

        // UTC offsets: the stored value does not depend on the event's zone.
        var json = EventJsonWriter.FromModel(session, DateTimeZone.Utc).Recurrence!;
        return JsonSerializer.Serialize(json, EventJsonContext.Default.RecurrenceJson);
    }

    /// <summary>
    /// Puts stored recurrences (by session id) onto the event's sessions. A document that no
    /// longer validates (an override naming a room deleted since) leaves its session a
    /// one-off rather than failing the whole event.
    /// </summary>
    public static Event Attach(Event ev, IReadOnlyDictionary<string, string> recurrences)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(recurrences);
        var found = Map(ev, recurrences, ev.Sessions.Where(s => recurrences.ContainsKey(s.Id)).ToList());
        if (found is null)
        {
            found = [];
            foreach (var session in ev.Sessions.Where(s => recurrences.ContainsKey(s.Id)))
            {
                if (Map(ev, recurrences, [session]) is { } one)
                {
                    foreach (var (id, recurrence) in one)
                    {
                        found[id] = recurrence;
                    }
                }
            }
        }

        return ev with
        {
            Sessions = [.. ev.Sessions.Select(s => found.TryGetValue(s.Id, out var r) ? s with { Recurrence = r } : s)],
        };
    }

    private static Dictionary<string, Recurrence>? Map(Event ev, IReadOnlyDictionary<string, string> recurrences, List<Session> sessions)
    {
        try
        {
            var document = EventJsonWriter.FromModel(ev with { Sessions = sessions });
            foreach (var session in document.Sessions!)
            {
                session.Recurrence = JsonSerializer.Deserialize(recurrences[session.Id!], EventJsonContext.Default.RecurrenceJson);
            }

            return EventJsonMapper.ToModel(document, ev.LastModified, ev.Id).Sessions
                .Where(s => s.Recurrence is not null)
                .ToDictionary(s => s.Id, s => s.Recurrence!, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is EventValidationException or JsonException)
        {
            return null;
        }
    }
}
