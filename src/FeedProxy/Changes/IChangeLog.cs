using FeedProxy.Formats.Changes;
using NodaTime;

namespace FeedProxy.Changes;

/// <summary>
/// The log of subscriber-relevant session changes, written by the stores when a version is
/// stored (the PostgreSQL triggers of migration 0004; <see cref="FileChangeLog"/> for files).
/// </summary>
internal interface IChangeLog
{
    /// <summary>Changes of the given events detected at or after <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<ScheduleChange>> ReadAsync(IReadOnlyCollection<string> eventIds, Instant since, int limit, CancellationToken cancellationToken);
}
