using FeedProxy.Changes;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FeedProxy.CalDav;

/// <summary>
/// Sync history in PostgreSQL (table caldav_sync_history, migration 0011), shared by every
/// instance: a token issued by one is a row every other reads. Written with ON CONFLICT, so
/// two instances remembering the same manifest at once both succeed with one row.
/// </summary>
internal sealed class PostgresSyncHistory(NpgsqlDataSource dataSource, IOptions<ChangeOptions> changes, TimeProvider time) : ISyncHistory
{
    public async ValueTask<byte[]?> GetAsync(string calendar, string token, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT manifest FROM caldav_sync_history WHERE calendar = $1 AND token = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = calendar });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = token });
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async ValueTask RememberAsync(string calendar, string token, byte[] manifest, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var batch = dataSource.CreateBatch();
        var insert = new NpgsqlBatchCommand(
            """
            INSERT INTO caldav_sync_history (calendar, token, manifest, seen_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (calendar, token) DO UPDATE SET seen_at = GREATEST(caldav_sync_history.seen_at, excluded.seen_at)
            """);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = calendar });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = token });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = manifest });
        insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now });
        batch.BatchCommands.Add(insert);
        var purge = new NpgsqlBatchCommand("DELETE FROM caldav_sync_history WHERE calendar = $1 AND seen_at < $2");
        purge.Parameters.Add(new NpgsqlParameter<string> { TypedValue = calendar });
        purge.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now - TimeSpan.FromDays(Math.Max(1, changes.Value.RetentionDays)) });
        batch.BatchCommands.Add(purge);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
