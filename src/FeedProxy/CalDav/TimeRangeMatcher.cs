using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Storage;
using NodaTime;

namespace FeedProxy.CalDav;

/// <summary>
/// Which objects of a calendar have an occurrence overlapping a time range (RFC 4791 §9.9):
/// the sessions are expanded from the schedule model with the feeds' own selection rules,
/// recurring ones into occurrences within a window that covers the range (at most ten years
/// either side of now), and each overlapping occurrence names its object. Callers intersect
/// the result with the calendar's current objects, so filters and visibility stay the feed's.
/// </summary>
internal sealed class TimeRangeMatcher(IEventStore events, ICollectionStore collections, FeedSettings settings, TimeProvider time)
{
    private static readonly Duration MaxReach = Duration.FromDays(3650);

    public async Task<HashSet<string>> MatchAsync(CalendarRef calendar, Instant start, Instant end, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var eventIds = new List<string>();
        if (calendar.IsCollection)
        {
            if (await collections.GetAsync(calendar.Id, cancellationToken) is { } collection)
            {
                eventIds.AddRange(collection.Definition.Members.Select(m => m.EventId).Distinct(StringComparer.Ordinal));
            }
        }
        else
        {
            eventIds.Add(calendar.Id);
        }

        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var back = start < now ? Min(now - start, MaxReach) : Duration.Zero;
        var ahead = end > now ? Min(end - now, MaxReach) : Duration.Zero;
        var basePolicy = settings.Policy();
        var policy = basePolicy with
        {
            RecurrenceBack = Max(back, basePolicy.RecurrenceBack),
            RecurrenceAhead = Max(ahead, basePolicy.RecurrenceAhead),
        };
        foreach (var id in eventIds)
        {
            if (await events.GetAsync(id, cancellationToken) is not { } snapshot)
            {
                continue;
            }

            foreach (var session in FeedSelection.Visible(snapshot.Event, policy, now))
            {
                if (Overlaps(session, start, end))
                {
                    names.Add(CalendarIndex.NameFor($"{session.Id}-{snapshot.Event.Id}@"));
                }
            }
        }

        return names;
    }

    // §9.9: a zero-length event overlaps when it starts inside the range.
    private static bool Overlaps(Session session, Instant start, Instant end) =>
        session.End > session.Start
            ? session.Start < end && session.End > start
            : session.Start >= start && session.Start < end;

    private static Duration Min(Duration a, Duration b) => a < b ? a : b;

    private static Duration Max(Duration a, Duration b) => a > b ? a : b;
}
