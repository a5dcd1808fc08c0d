using FeedProxy.Formats.Changes;
using Microsoft.Extensions.Options;
using NodaTime;
using FeedProxy.Storage.Postgres;
using Npgsql;

namespace FeedProxy.Changes;

/// <summary>
/// Reads the session_changes table that the schema's triggers write in the transaction of
/// every change (migration 0004), and purges rows older than the retention once an hour.
/// The purge is an idempotent DELETE, so every instance may run it; no coordination needed.
/// </summary>
internal sealed partial class PostgresChangeLog(NpgsqlDataSource dataSource, IOptions<ChangeOptions> options, TimeProvider time, ILogger<PostgresChangeLog> logger)
    : BackgroundService, IChangeLog
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    public async ValueTask<IReadOnlyList<ScheduleChange>> ReadAsync(IReadOnlyCollection<string> eventIds, Instant since, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        await using var command = dataSource.CreateCommand(
            """
            SELECT id, event_id, session_id, kind, title, old_title, old_start, old_end, old_room,
                   new_start, new_end, new_room, old_speakers, new_speakers, detected_at
            FROM session_changes
            WHERE event_id = ANY($1) AND detected_at >= $2
            ORDER BY detected_at DESC, event_id, id DESC
            LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. eventIds.Distinct(StringComparer.Ordinal)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = since.ToDateTimeUtc() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ScheduleChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ScheduleChange
            {
                Id = reader.GetInt64(0),
                EventId = reader.GetString(1),
                SessionId = reader.GetString(2),
                Kind = ScheduleChange.TryParseKind(reader.GetString(3), out var kind) ? kind : ChangeKind.Moved,
                Title = reader.GetString(4),
                OldTitle = reader.GetStringOrNull(5),
                OldStart = reader.GetInstantOrNull(6),
                OldEnd = reader.GetInstantOrNull(7),
                OldRoom = reader.GetStringOrNull(8),
                NewStart = reader.GetInstantOrNull(9),
                NewEnd = reader.GetInstantOrNull(10),
                NewRoom = reader.GetStringOrNull(11),
                OldSpeakers = reader.GetStringOrNull(12),
                NewSpeakers = reader.GetStringOrNull(13),
                DetectedAt = Instant.FromUnixTimeSeconds(Instant.FromDateTimeUtc(reader.GetFieldValue<DateTime>(14)).ToUnixTimeSeconds()),
            });
        }

        return list;
    }

    /// <summary>Deletes changes older than the retention; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var oldest = time.GetUtcNow().AddDays(-Math.Max(0, options.Value.RetentionDays));
        await using var command = dataSource.CreateCommand("DELETE FROM session_changes WHERE detected_at < $1");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = oldest.UtcDateTime });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PurgeInterval, time);
        do
        {
            try
            {
                var purged = await PurgeAsync(stoppingToken);
                if (purged > 0)
                {
                    LogPurged(purged);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the next tick tries again; the log only grows a little meanwhile
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPurgeFailed(ex.GetType().Name, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
    [LoggerMessage(EventId = 7211, Level = LogLevel.Information, Message = "Purged {Count} changes older than the retention")]
    private partial void LogPurged(int count);

    [LoggerMessage(EventId = 7212, Level = LogLevel.Warning, Message = "Purging old changes failed ({ErrorType}: {Message}); retrying in an hour")]
    private partial void LogPurgeFailed(string errorType, string message);
}
