using FeedProxy.Formats.Model;
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
    /// Globally unique, stable UID of a session; an expanded occurrence of a series adds its
    /// original start, so each occurrence is its own item in feeds without recurrence.
    /// </summary>
    public string UidOf(Session session) => OccurrenceKey(session) is { } key
        ? $"{session.Id}-{key}-{Event.Id}@{UidDomain}"
        : $"{session.Id}-{Event.Id}@{UidDomain}";

    /// <summary>"20260310T170000Z" (the RECURRENCE-ID in UTC) for an expanded occurrence; null otherwise.</summary>
    public static string? OccurrenceKey(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.RecurrenceId is { } id ? OccurrenceKeyPattern.Format(id) : null;
    }

    private static readonly NodaTime.Text.InstantPattern OccurrenceKeyPattern =
        NodaTime.Text.InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");
}
