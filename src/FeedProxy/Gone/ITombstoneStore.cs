using FeedProxy.Push;

namespace FeedProxy.Gone;

/// <summary>A deleted public event or collection, remembered so its feeds answer 410 Gone.</summary>
internal sealed record Tombstone(TopicKind Kind, string Id, DateTimeOffset DeletedAt);

/// <summary>Where tombstones live: the push_tombstones table, or "tombstones.json" in the state folder.</summary>
internal interface ITombstoneStore
{
    Task RecordAsync(Tombstone tombstone, CancellationToken cancellationToken);

    /// <summary>An event or collection with this id exists again.</summary>
    Task ClearAsync(TopicKind kind, string id, CancellationToken cancellationToken);

    /// <summary>Every tombstone deleted after <paramref name="since"/>; older ones are purged.</summary>
    Task<IReadOnlyList<Tombstone>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
