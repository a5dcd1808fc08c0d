using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Formats.Feeds;

/// <summary>
/// Everything a writer needs: the event, exactly the sessions to write (already selected
/// and ordered), and the links and settings of this representation. Writers read nothing
/// else, in particular no clock: identical documents give identical bytes.
/// </summary>
public sealed record FeedDocument
{
    public required Event Event { get; init; }

    /// <summary>Sessions to write, ordered by start, then id.</summary>
    public required IReadOnlyList<Session> Sessions { get; init; }

    /// <summary>Absolute URL of this feed (RSS atom:link / Atom link rel=self, iCalendar SOURCE).</summary>
    public required Uri SelfUrl { get; init; }

    /// <summary>The WebSub hub that announces changes of this feed (atom:link rel="hub"); none when null.</summary>
    public Uri? HubUrl { get; init; }

    /// <summary>Human page for the event (RSS channel link, Atom alternate); falls back to the event URL.</summary>
    public Uri? PageUrl { get; init; }

    /// <summary>Right-hand side of UIDs: "&lt;session&gt;-&lt;event&gt;@&lt;UidDomain&gt;".</summary>
    public required string UidDomain { get; init; }

    /// <summary>
    /// True for subscription feeds; false for a single-session download, which must not
    /// carry X-WR-CALNAME (Outlook would open a new, empty calendar for it).
    /// </summary>
    public bool IsSubscription { get; init; } = true;

    /// <summary>Suggested polling interval (RFC 7986 REFRESH-INTERVAL, X-PUBLISHED-TTL, RSS ttl).</summary>
    public Duration RefreshInterval { get; init; } = Duration.FromHours(1);

    public FeedOptions Options { get; init; } = FeedOptions.Default;

    /// <summary>Optional title suffix describing active filters ("Track: Security").</summary>
    public string? Subtitle { get; init; }

    /// <summary>The latest change of anything in this document, to whole seconds.</summary>
    public Instant LastModified
    {
        get
        {
            var latest = Event.LastModified;
            foreach (var session in Sessions)
            {
                if (session.LastModified > latest)
                {
                    latest = session.LastModified;
                }
            }

            return Instant.FromUnixTimeSeconds(latest.ToUnixTimeSeconds());
        }
    }

    /// <summary>
    /// For a collection (several events in one feed): the member event each session belongs
    /// to, by reference (see <see cref="CreateOrigins"/>). Null when every session is
    /// <see cref="Event"/>'s own. <see cref="Event"/> then only names and describes the feed.
    /// </summary>
    public IReadOnlyDictionary<Session, Event>? Origins { get; init; }

    /// <summary>
    /// Path segment of feed-level identifiers (Atom feed id): "events" for an event,
    /// "collections" for a collection, so the two never share an id.
    /// </summary>
    public string Kind { get; init; } = "events";

    /// <summary>The event a session belongs to: its time zone, venue and UID come from there.</summary>
    public Event EventOf(Session session) =>
        Origins is not null && Origins.TryGetValue(session, out var origin) ? origin : Event;

    /// <summary>An empty origin map keyed by reference: equal records of two events stay apart.</summary>
    public static Dictionary<Session, Event> CreateOrigins() => new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Globally unique, stable UID of a session; an expanded occurrence of a series adds its
    /// original start, so each occurrence is its own item in feeds without recurrence. Always
    /// the session's own event's, also in a collection, so a session reached through two
    /// subscriptions is one calendar entry.
    /// </summary>
    public string UidOf(Session session) => UidOf(session, EventOf(session));

    /// <summary>The UID of a session of <paramref name="origin"/> (for instances derived from a series of that event).</summary>
    public string UidOf(Session session, Event origin)
    {
        using var text = new TextBuffer(128);
        AppendUid(session, origin, text);
        return text.ToString();
    }

    /// <summary>Appends <see cref="UidOf(Session, Event)"/> to <paramref name="text"/> (the iCalendar render writes it without a string).</summary>
    internal void AppendUid(Session session, Event origin, TextBuffer text)
    {
        ArgumentNullException.ThrowIfNull(origin);
        text.Append(session.Id).Append('-');
        if (OccurrenceKey(session) is { } key)
        {
            text.Append(key).Append('-');
        }

        text.Append(origin.Id).Append('@').Append(UidDomain);
    }

    /// <summary>"20260310T170000Z" (the RECURRENCE-ID in UTC) for an expanded occurrence; null otherwise.</summary>
    public static string? OccurrenceKey(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.RecurrenceId is { } id ? OccurrenceKeyPattern.Format(id) : null;
    }

    private static readonly NodaTime.Text.InstantPattern OccurrenceKeyPattern =
        NodaTime.Text.InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");
}
