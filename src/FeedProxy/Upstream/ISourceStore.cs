using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>
/// Source declarations and their refresh state. With several instances on one PostgreSQL,
/// <see cref="ClaimDueAsync"/> hands each due source to exactly one of them per interval.
/// </summary>
public interface ISourceStore
{
    Task<(SourceDefinition Definition, SourceStatus Status)?> GetAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the declaration; a new definition starts with no validators and is due at once.</summary>
    Task PutAsync(SourceDefinition definition, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Event ids with a source and when each is next due (for the overdue check of feed requests).</summary>
    Task<IReadOnlyDictionary<string, Instant?>> ListDueAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes one due source (or, with <paramref name="eventId"/>, that source whether due or not)
    /// unless another refresh of it is under way: its next due time moves one interval ahead and
    /// it is leased to the caller for <paramref name="lease"/>. Null when nothing is due.
    /// </summary>
    Task<ClaimedSource?> ClaimAsync(string? eventId, Duration lease, CancellationToken cancellationToken);

    /// <summary>Stores the outcome and releases the lease; ignored when the definition changed meanwhile.</summary>
    Task CompleteAsync(string eventId, SourceStatus status, CancellationToken cancellationToken);

    /// <summary>Makes a source due now (a request found it overdue).</summary>
    Task MakeDueAsync(string eventId, CancellationToken cancellationToken);
}
