using System.Text.Json;
using FeedProxy.Private;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace FeedProxy.Collections;

/// <summary>
/// Collections in the collections table (PostgreSQL mode). Nothing is kept in memory: a
/// definition is one small indexed row, so every instance sees a change through any other
/// at its next request. Member events are read through the event store, which is kept fresh
/// by LISTEN/NOTIFY.
/// </summary>
internal sealed class PostgresCollectionStore(NpgsqlDataSource dataSource) : ICollectionStore
{
    public async ValueTask<CollectionSnapshot?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, definition::text, last_modified, version FROM collections WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async ValueTask<IReadOnlyList<CollectionSnapshot>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, definition::text, last_modified, version FROM collections ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<CollectionSnapshot>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    public async ValueTask<bool> PutAsync(CollectionDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var json = CollectionJsonMapper.ToJson(definition);
        json.Id = null;
        // An identical definition leaves version and last_modified alone (no new ETag).
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO collections (id, definition) VALUES ($1, $2)
            ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, last_modified = now(),
                version = nextval('collection_version_seq')
            WHERE collections.definition IS DISTINCT FROM EXCLUDED.definition
            RETURNING xmax = 0
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Id });
        command.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = JsonSerializer.Serialize(json, CollectionJsonContext.Default.CollectionJson),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM collections WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async ValueTask<string?> GetTokenAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT private_token FROM collections WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async ValueTask<string?> RotateTokenAsync(string id, CancellationToken cancellationToken)
    {
        var token = AccessTokens.NewToken();
        await using var command = dataSource.CreateCommand("UPDATE collections SET private_token = $2 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        // Only the hash is stored (as for private events): a database reader cannot open the feed.
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AccessTokens.Hash(token) });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0 ? token : null;
    }

    private static CollectionSnapshot Read(NpgsqlDataReader reader)
    {
        var id = reader.GetString(0);
        var json = JsonSerializer.Deserialize(reader.GetString(1), CollectionJsonContext.Default.CollectionJson)
            ?? throw new InvalidOperationException($"Collection '{id}' holds no definition.");
        var lastModified = Instant.FromDateTimeUtc(reader.GetFieldValue<DateTime>(2));
        var definition = CollectionJsonMapper.ToModel(json, id, lastModified);
        return new CollectionSnapshot(definition, "p" + reader.GetInt64(3).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
