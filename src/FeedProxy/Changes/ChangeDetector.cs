using FeedProxy.Formats.Changes;
using NodaTime;

namespace FeedProxy.Changes;

/// <summary>
/// Compares the public views of two versions of an event and names each change a subscriber
/// would care about, with the same rules as the PostgreSQL triggers (migration 0004): a
/// session that becomes public is added; one that stops being public (cancelled, withdrawn,
/// deleted) is cancelled; otherwise a new time or room is one "moved", a new title one
/// "retitled", a new speaker list one "speakers". Pure.
/// </summary>
internal static class ChangeDetector
{
    /// <summary>Changes in session id order; <see cref="ScheduleChange.Id"/> is left 0 for the log to assign.</summary>
    public static List<ScheduleChange> Compare(
        string eventId, IReadOnlyDictionary<string, SessionView> before, IReadOnlyDictionary<string, SessionView> after, Instant detectedAt)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<ScheduleChange>();
        foreach (var id in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var had = before.TryGetValue(id, out var old);
            var has = after.TryGetValue(id, out var now);
            ScheduleChange Change(ChangeKind kind, string title) => new()
            {
                Id = 0,
                EventId = eventId,
                SessionId = id,
                Kind = kind,
                Title = title,
                OldStart = old?.StartInstant,
                OldEnd = old?.EndInstant,
                OldRoom = old?.Room,
                NewStart = now?.StartInstant,
                NewEnd = now?.EndInstant,
                NewRoom = now?.Room,
                DetectedAt = detectedAt,
            };

            if (!had)
            {
                changes.Add(Change(ChangeKind.Added, now!.Title) with { OldStart = null, OldEnd = null, OldRoom = null });
                continue;
            }

            if (!has)
            {
                changes.Add(Change(ChangeKind.Cancelled, old!.Title) with { NewStart = null, NewEnd = null, NewRoom = null });
                continue;
            }

            if (old!.Start != now!.Start || old.End != now.End || !string.Equals(old.Room, now.Room, StringComparison.Ordinal))
            {
                changes.Add(Change(ChangeKind.Moved, now.Title));
            }

            if (!string.Equals(old.Title, now.Title, StringComparison.Ordinal))
            {
                changes.Add(Change(ChangeKind.Retitled, now.Title) with { OldTitle = old.Title, OldStart = null, OldEnd = null, OldRoom = null });
            }

            if (!string.Equals(old.Speakers, now.Speakers, StringComparison.Ordinal))
            {
                changes.Add(Change(ChangeKind.Speakers, now.Title) with
                {
                    OldSpeakers = old.Speakers,
                    NewSpeakers = now.Speakers,
                    OldStart = null,
                    OldEnd = null,
                    OldRoom = null,
                });
            }
        }

        return changes;
    }
}
