using FeedProxy.Collections;

namespace FeedProxy.Gone;

/// <summary>
/// The collection store as the application uses it: deleting a public collection leaves a
/// tombstone (410 Gone), storing one clears it. Reads pass straight through.
/// </summary>
internal sealed class TombstoningCollectionStore(ICollectionStore inner, IServiceProvider services) : ICollectionStore
{
    // Resolved late: Tombstones reads the collection store itself.
    private Tombstones Tombstones => services.GetRequiredService<Tombstones>();

    public ValueTask<CollectionSnapshot?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<CollectionSnapshot>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public async ValueTask<bool> PutAsync(CollectionDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var created = await inner.PutAsync(definition, cancellationToken);
        await Tombstones.CollectionStoredAsync(definition.Id, definition.Visibility, cancellationToken);
        return created;
    }

    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var before = await inner.GetAsync(id, cancellationToken);
        var deleted = await inner.DeleteAsync(id, cancellationToken);
        if (deleted)
        {
            await Tombstones.CollectionDeletedAsync(before, cancellationToken);
        }

        return deleted;
    }

    public ValueTask<string?> GetTokenAsync(string id, CancellationToken cancellationToken) => inner.GetTokenAsync(id, cancellationToken);

    public ValueTask<string?> RotateTokenAsync(string id, CancellationToken cancellationToken) => inner.RotateTokenAsync(id, cancellationToken);
}
