using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Storage;
using NodaTime;

namespace FeedProxy.Collections;

/// <summary>What a collection shows now: its member events merged into one calendar.</summary>
internal sealed partial class CollectionLoader(IEventStore store, FeedSettings settings, TimeProvider time, ILogger<CollectionLoader> logger)
{
    /// <summary>
    /// The member events a reader of this collection may see, each with the sessions it
    /// contributes: unpublished or missing events contribute nothing (as their own feeds are
    /// 404), private events only to a private collection read through its token.
    /// </summary>
    /// <param name="mode">Series kept (calendar formats) or expanded into occurrences (RSS, Atom, pentabarf, UTC), as for event feeds.</param>
    public async Task<CollectionContent> LoadAsync(CollectionDefinition definition, bool allowPrivate, CancellationToken cancellationToken, RecurrenceMode mode = RecurrenceMode.Keep)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        // The size budget applies to the whole collection, after merging.
        var policy = settings.Policy() with { MaxSessions = null };
        var origins = FeedDocument.CreateOrigins();
        var seen = new HashSet<(string, string)>();
        var sessions = new List<Session>();
        var members = new List<Event>();
        var lastModified = definition.LastModified;
        foreach (var member in definition.Members)
        {
            var snapshot = await store.GetAsync(member.EventId, cancellationToken);
            if (snapshot is not { Event.Published: true } || (snapshot.Event.Visibility == EventVisibility.Private && !allowPrivate))
            {
                continue;
            }

            var schedule = snapshot.Event;
            // Filter values resolve against the sessions a feed may show, as for event feeds.
            var visible = FeedSelection.Select(schedule, policy, now);
            var filter = new FeedRequest { EventId = schedule.Id, Format = FeedFormat.ICalendar, Filters = member.Filters }.ResolveFilter(schedule, visible, out var error);
            if (error is not null)
            {
                // A filter value the event no longer has: showing the whole event instead
                // would be wrong, so the member shows nothing until the definition is fixed.
                LogMemberFilter(definition.Id, schedule.Id, error);
                continue;
            }

            if (!members.Any(m => m.Id == schedule.Id))
            {
                members.Add(schedule);
            }

            if (schedule.LastModified > lastModified)
            {
                lastModified = schedule.LastModified;
            }

            foreach (var session in FeedSelection.Select(schedule, policy, now, filter, mode))
            {
                // The same event twice with different filters is a union, each session once.
                if (seen.Add((schedule.Id, session.Id)))
                {
                    var shown = member.Decorate(session);
                    sessions.Add(shown);
                    origins[shown] = schedule;
                }
            }
        }

        sessions.Sort((a, b) =>
        {
            var byStart = a.Start.CompareTo(b.Start);
            if (byStart != 0) { return byStart; }
            var byEvent = string.CompareOrdinal(origins[a].Id, origins[b].Id);
            return byEvent != 0 ? byEvent : string.CompareOrdinal(a.Id, b.Id);
        });
        if (settings.MaxSessions is { } max && sessions.Count > max)
        {
            sessions.RemoveRange(0, sessions.Count - max);
        }

        var calendar = new Event
        {
            Id = definition.Id,
            Name = definition.Name,
            Description = definition.Description,
            // Names the zone of pentabarf xCal and the subscribe page; calendar formats write
            // each session in its own event's zone.
            TimeZone = members.Count > 0 ? members[0].TimeZone : "UTC",
            Visibility = definition.Visibility,
            LastModified = lastModified,
        };
        return new CollectionContent(calendar, members, sessions, origins);
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Collection {CollectionId}: member {EventId} shows nothing: {Reason}")]
    private partial void LogMemberFilter(string collectionId, string eventId, string reason);
}

/// <summary>What a collection shows now: a calendar named after it, its visible member events, the merged sessions and where each comes from.</summary>
internal sealed record CollectionContent(Event Calendar, IReadOnlyList<Event> Members, IReadOnlyList<Session> Sessions, IReadOnlyDictionary<Session, Event> Origins);
