using FeedProxy.Formats.Model;
using FeedProxy.Storage.Postgres;

namespace FeedProxy.Admin;

/// <summary>
/// Admin writes for the PostgreSQL store. Each call is one transaction in the writer; the
/// local read cache is invalidated at once so the caller reads its own write, and other
/// instances hear of it through LISTEN/NOTIFY.
/// </summary>
internal sealed class PostgresEventAdminStore(PostgresEventWriter writer, PostgresEventStore store) : IEventAdminStore
{
    public async Task SaveAsync(Event model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await writer.UpsertEventAsync(model, cancellationToken);
        store.Invalidate(model.Id);
    }

    public async Task<bool> DeleteAsync(string eventId, CancellationToken cancellationToken)
    {
        var deleted = await writer.DeleteEventAsync(eventId, cancellationToken);
        store.Invalidate(eventId);
        return deleted;
    }
}
