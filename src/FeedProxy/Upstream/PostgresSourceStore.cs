using System.Text.Json;
using FeedProxy.Formats.Upstream;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>
/// Sources in PostgreSQL (migration 0003). Claiming is one statement: the oldest due row not
/// leased by another instance is locked with <c>FOR UPDATE SKIP LOCKED</c>, its next due time
/// moved one interval ahead and a lease written, so concurrent instances never take the same
/// source and a crashed instance's lease simply expires. Times come from the injected
/// <see cref="TimeProvider"/>, the clock the refresher computes next due times with, so due
/// checks, leases and next due times are all on one clock (instances keep theirs in step, NTP).
/// The semantics every <see cref="ISourceStore"/> shares are on that interface.
/// </summary>
internal sealed class PostgresSourceStore(NpgsqlDataSource dataSource, TimeProvider time) : ISourceStore
{
    private const string StatusColumns =
        "kind, url, refresh_seconds, time_zone, headers, generation, next_due, claimed_until, failures, last_attempt, last_success, last_change, last_error, last_result, etag, last_modified, body_hash, last_warnings";

    public async Task<(SourceDefinition Definition, SourceStatus Status)?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT event_id, {StatusColumns} FROM event_sources WHERE event_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task PutAsync(SourceDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO event_sources (event_id, kind, url, refresh_seconds, time_zone, headers, next_due)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (event_id) DO UPDATE SET
                kind = EXCLUDED.kind, url = EXCLUDED.url, refresh_seconds = EXCLUDED.refresh_seconds,
                time_zone = EXCLUDED.time_zone, headers = EXCLUDED.headers,
                generation = event_sources.generation + 1, next_due = $7, failures = 0,
                last_error = NULL, last_result = NULL, etag = NULL, last_modified = NULL, body_hash = NULL, last_warnings = NULL
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.EventId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Kind.ToWireName() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Url.AbsoluteUri });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = definition.RefreshSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)definition.TimeZone ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(definition.Headers.ToDictionary(h => h.Key, h => h.Value)), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(Time(Now()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM event_sources WHERE event_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyDictionary<string, Instant?>> ListDueAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT event_id, next_due FROM event_sources");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new Dictionary<string, Instant?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            due[reader.GetString(0)] = Instant.FromDateTimeUtc(reader.GetDateTime(1));
        }

        return due;
    }

    public async Task<ClaimedSource?> ClaimAsync(string? eventId, Duration lease, CancellationToken cancellationToken)
    {
        // One statement, one transaction: the row lock taken by the sub-select is held until the
        // UPDATE commits, and SKIP LOCKED lets a concurrent claimer pass to the next due row.
        await using var command = dataSource.CreateCommand($"""
            UPDATE event_sources SET
                claimed_until = $3 + make_interval(secs => $1),
                next_due = $3 + make_interval(secs => refresh_seconds)
            WHERE event_id = (
                SELECT event_id FROM event_sources
                WHERE (claimed_until IS NULL OR claimed_until <= $3)
                  AND ($2::text IS NULL AND next_due <= $3 OR event_id = $2::text)
                ORDER BY next_due
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING event_id, {StatusColumns}
            """);
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = lease.TotalSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)eventId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(Time(Now()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || Read(reader) is not { } row)
        {
            return null;
        }

        return new ClaimedSource(row.Definition, row.Status);
    }

    public async Task CompleteAsync(string eventId, SourceStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);

        // A completion of the current definition stores its outcome (with no next due time, the
        // one the claim set stays); one of a definition replaced meanwhile only hands back its
        // own lease (the lease end is the claim's token), so the new definition is claimed at
        // once and never alongside the old refresh.
        await using var batch = dataSource.CreateBatch();
        var store = new NpgsqlBatchCommand("""
            UPDATE event_sources SET
                claimed_until = NULL, next_due = COALESCE($3, next_due), failures = $4, last_attempt = $5, last_success = $6,
                last_change = $7, last_error = $8, last_result = $9, etag = $10, last_modified = $11, body_hash = $12,
                last_warnings = $13
            WHERE event_id = $1 AND generation = $2
            """);
        store.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        store.Parameters.Add(new NpgsqlParameter<long> { TypedValue = status.Generation });
        store.Parameters.Add(Time(status.NextDue));
        store.Parameters.Add(new NpgsqlParameter<int> { TypedValue = status.Failures });
        store.Parameters.Add(Time(status.LastAttempt));
        store.Parameters.Add(Time(status.LastSuccess));
        store.Parameters.Add(Time(status.LastChange));
        store.Parameters.Add(Text(status.LastError is { Length: > 2000 } e ? e[..2000] : status.LastError));
        store.Parameters.Add(Text(status.LastResult));
        store.Parameters.Add(Text(status.ETag));
        store.Parameters.Add(Text(status.LastModified));
        store.Parameters.Add(Text(status.BodyHash));
        store.Parameters.Add(Text(status.Warnings is { Length: > 8000 } w ? w[..8000] : status.Warnings));
        batch.BatchCommands.Add(store);
        var release = new NpgsqlBatchCommand("UPDATE event_sources SET claimed_until = NULL WHERE event_id = $1 AND generation <> $2 AND claimed_until = $3");
        release.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        release.Parameters.Add(new NpgsqlParameter<long> { TypedValue = status.Generation });
        release.Parameters.Add(Time(status.ClaimedUntil));
        batch.BatchCommands.Add(release);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MakeDueAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE event_sources SET next_due = $2 WHERE event_id = $1 AND next_due > $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        command.Parameters.Add(Time(Now()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static (SourceDefinition Definition, SourceStatus Status)? Read(NpgsqlDataReader reader)
    {
        if (!SourceKinds.TryParse(reader.GetString(1), out var kind) || !Uri.TryCreate(reader.GetString(2), UriKind.Absolute, out var url))
        {
            return null;
        }

        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [];
        var definition = new SourceDefinition(
            reader.GetString(0), kind, url, reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4),
            new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase));
        var status = new SourceStatus
        {
            Generation = reader.GetInt64(6),
            NextDue = InstantOrNull(reader, 7),
            ClaimedUntil = InstantOrNull(reader, 8),
            Failures = reader.GetInt32(9),
            LastAttempt = InstantOrNull(reader, 10),
            LastSuccess = InstantOrNull(reader, 11),
            LastChange = InstantOrNull(reader, 12),
            LastError = reader.IsDBNull(13) ? null : reader.GetString(13),
            LastResult = reader.IsDBNull(14) ? null : reader.GetString(14),
            ETag = reader.IsDBNull(15) ? null : reader.GetString(15),
            LastModified = reader.IsDBNull(16) ? null : reader.GetString(16),
            BodyHash = reader.IsDBNull(17) ? null : reader.GetString(17),
            Warnings = reader.IsDBNull(18) ? null : reader.GetString(18),
        };
        return (definition, status);
    }

    private static Instant? InstantOrNull(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    private Instant Now() => Instant.FromDateTimeOffset(time.GetUtcNow());

    private static NpgsqlParameter Time(Instant? instant) =>
        new() { Value = instant is { } i ? i.ToDateTimeUtc() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
