using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>
/// Source declarations and their refresh state. With several instances on one PostgreSQL,
/// <see cref="ClaimAsync"/> hands each due source to exactly one of them per interval. One
/// refresh of a source runs at a time, and none is lost: a lease covers up to its end (a lease
/// ending now is over), a replaced definition keeps the lease of the refresh under way until
/// that refresh completes or the lease runs out, and making due never postpones.
/// </summary>
public interface ISourceStore
{
    Task<(SourceDefinition Definition, SourceStatus Status)?> GetAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces the declaration; a new definition starts with no validators and is due
    /// at once. A lease on the old definition stays: its refresh is still under way.
    /// </summary>
    Task PutAsync(SourceDefinition definition, CancellationToken cancellationToken);

    /// <summary>False when there was no such source (an id no event can have included).</summary>
    Task<bool> DeleteAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Event ids with a source and when each is next due (for the overdue check of feed requests).</summary>
    Task<IReadOnlyDictionary<string, Instant?>> ListDueAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes one due source (or, with <paramref name="eventId"/>, that source whether due or not)
    /// unless another refresh of it is under way: its next due time moves one interval ahead and
    /// it is leased to the caller for <paramref name="lease"/>. Null when nothing is due.
    /// </summary>
    Task<ClaimedSource?> ClaimAsync(string? eventId, Duration lease, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the outcome and releases the lease; without a next due time, the one the claim set
    /// stays. When the definition changed meanwhile the outcome is ignored and only the lease
    /// this claim took (<see cref="SourceStatus.ClaimedUntil"/>) is released.
    /// </summary>
    Task CompleteAsync(string eventId, SourceStatus status, CancellationToken cancellationToken);

    /// <summary>Makes a source due now (a request found it overdue); one due earlier keeps its time, and with it its place in the claim order.</summary>
    Task MakeDueAsync(string eventId, CancellationToken cancellationToken);
}
