using System.Collections.Concurrent;
using System.Text.Json;
using FeedProxy.Private;
using FeedProxy.Storage.Postgres;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace FeedProxy.Collections;

/// <summary>
/// Collections in the collections table (PostgreSQL mode). Definitions that were read are
/// kept in memory while <see cref="PostgresChangeListener"/> listens on
/// <see cref="NotifyChannel"/>, so a poll of a collection costs no round trip, as a poll of an
/// event does not. Every write of a definition notifies that channel in its own statement
/// (NOTIFY is delivered at commit, to every instance), and the writing instance forgets its
/// copy at once. The stored form of a private collection's token is kept with its definition
/// (a token rotation notifies too), so a poll of a private collection's URL costs no round
/// trip either. A definition changed by hand in SQL reaches running instances only with a
/// matching <c>NOTIFY feedproxy_collections, '&lt;id&gt;'</c> (or a restart). While the listener
/// is not connected nothing is kept and every read goes to the database. Thread-safe.
/// </summary>
internal sealed class PostgresCollectionStore(NpgsqlDataSource dataSource) : ICollectionStore, IPostgresNotificationChannel
{
    internal const string NotifyChannel = "feedproxy_collections";

    // Only collections that exist are kept (their number is the administrator's), never
    // misses: ids come from clients.
    private readonly ConcurrentDictionary<string, Kept> _cache = new(StringComparer.Ordinal);

    // Raised on every notification and listener state change: a read that started before it
    // moved may have seen the old row, so its result is not kept.
    private long _generation;
    private volatile bool _listening;

    public string Channel => NotifyChannel;

    public async ValueTask<CollectionSnapshot?> GetAsync(string id, CancellationToken cancellationToken) =>
        _cache.TryGetValue(id, out var kept) ? kept.Snapshot : (await LoadAsync(id, cancellationToken))?.Snapshot;

    // One row with its token; kept while the listener hears every change to it.
    private async ValueTask<Kept?> LoadAsync(string id, CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _generation);
        await using var command = dataSource.CreateCommand("SELECT id, definition::text, last_modified, version, private_token FROM collections WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var kept = new Kept(Read(reader), await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4));
        Keep(id, kept, generation);
        return kept;
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
        // An identical definition leaves version and last_modified alone (no new ETag, no
        // notification); a changed one tells every instance in the same statement.
        await using var command = dataSource.CreateCommand(
            """
            WITH written AS (
                INSERT INTO collections (id, definition) VALUES ($1, $2)
                ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, last_modified = now(),
                    version = nextval('collection_version_seq')
                WHERE collections.definition IS DISTINCT FROM EXCLUDED.definition
                RETURNING id, xmax = 0 AS created)
            SELECT created, pg_notify('feedproxy_collections', id)::text FROM written
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Id });
        command.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = JsonSerializer.Serialize(json, CollectionJsonContext.Default.CollectionJson),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        finally
        {
            Forget(definition.Id);
        }
    }

    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH deleted AS (DELETE FROM collections WHERE id = $1 RETURNING id)
            SELECT count(pg_notify('feedproxy_collections', id)::text) FROM deleted
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is long and > 0;
        }
        finally
        {
            Forget(id);
        }
    }

    public async ValueTask<string?> GetTokenAsync(string id, CancellationToken cancellationToken) =>
        _cache.TryGetValue(id, out var kept) ? kept.Token : (await LoadAsync(id, cancellationToken))?.Token;

    public async ValueTask<string?> RotateTokenAsync(string id, CancellationToken cancellationToken)
    {
        var token = AccessTokens.NewToken();
        // Every instance forgets its copy of the row: the old URL stops working everywhere at once.
        await using var command = dataSource.CreateCommand(
            """
            WITH rotated AS (UPDATE collections SET private_token = $2 WHERE id = $1 RETURNING id)
            SELECT count(pg_notify('feedproxy_collections', id)::text) FROM rotated
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        // Only the hash is stored (as for private events): a database reader cannot open the feed.
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AccessTokens.Hash(token) });
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is long and > 0 ? token : null;
        }
        finally
        {
            Forget(id);
        }
    }

    void IPostgresNotificationChannel.OnNotification(string payload) => Forget(payload);

    void IPostgresNotificationChannel.OnListening()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
        _listening = true;
    }

    void IPostgresNotificationChannel.OnListenerLost()
    {
        _listening = false;
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    private void Forget(string id)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(id, out _);
    }

    private void Keep(string id, Kept kept, long generation)
    {
        if (!_listening)
        {
            return;
        }

        _cache[id] = kept;
        // A notification that raced with the read wins: undo rather than keep a stale row.
        if (Interlocked.Read(ref _generation) != generation)
        {
            _cache.TryRemove(new KeyValuePair<string, Kept>(id, kept));
        }
    }

    /// <summary>A collection's row as kept in memory: its definition and the stored form of its token.</summary>
    private sealed record Kept(CollectionSnapshot Snapshot, string? Token);

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
