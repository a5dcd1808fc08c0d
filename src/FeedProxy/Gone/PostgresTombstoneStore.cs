using FeedProxy.Push;
using Npgsql;

namespace FeedProxy.Gone;

/// <summary>Tombstones in the push_tombstones table (migration 0012), shared by every instance.</summary>
internal sealed class PostgresTombstoneStore(NpgsqlDataSource dataSource) : ITombstoneStore
{
    public async Task RecordAsync(Tombstone tombstone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tombstone);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO push_tombstones (kind, id, deleted_at) VALUES ($1, $2, $3) ON CONFLICT (kind, id) DO UPDATE SET deleted_at = EXCLUDED.deleted_at");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name(tombstone.Kind) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tombstone.Id });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = tombstone.DeletedAt.UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ClearAsync(TopicKind kind, string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM push_tombstones WHERE kind = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name(kind) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Tombstone>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using (var purge = dataSource.CreateCommand("DELETE FROM push_tombstones WHERE deleted_at < $1"))
        {
            purge.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = since.UtcDateTime });
            await purge.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = dataSource.CreateCommand("SELECT kind, id, deleted_at FROM push_tombstones");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<Tombstone>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Tombstone(reader.GetString(0) == "collection" ? TopicKind.Collection : TopicKind.Event, reader.GetString(1), new DateTimeOffset(reader.GetFieldValue<DateTime>(2), TimeSpan.Zero)));
        }

        return list;
    }

    private static string Name(TopicKind kind) => kind == TopicKind.Collection ? "collection" : "event";
}
