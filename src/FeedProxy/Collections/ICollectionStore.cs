namespace FeedProxy.Collections;

/// <summary>
/// Where collection definitions live: JSON files next to the event files (embedded mode) or
/// the collections table (PostgreSQL). Thread-safe. Reads see every write made through any
/// instance at once.
/// </summary>
internal interface ICollectionStore
{
    /// <summary>The collection, or null when none has this id.</summary>
    ValueTask<CollectionSnapshot?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every collection, ordered by id.</summary>
    ValueTask<IReadOnlyList<CollectionSnapshot>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces a collection; true when it was created.</summary>
    ValueTask<bool> PutAsync(CollectionDefinition definition, CancellationToken cancellationToken);

    /// <summary>False when there was no such collection.</summary>
    ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>The stored form of the private collection's URL token (<see cref="Private.AccessTokens.Hash"/>), or null when it has none.</summary>
    ValueTask<string?> GetTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>A new random token; the old URL stops working at once. Null when there is no such collection.</summary>
    ValueTask<string?> RotateTokenAsync(string id, CancellationToken cancellationToken);
}
