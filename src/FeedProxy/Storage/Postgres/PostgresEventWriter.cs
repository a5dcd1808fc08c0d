using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace FeedProxy.Storage.Postgres;

/// <summary>
/// Write side of the PostgreSQL store, for the admin API and importers. Every method is one
/// transaction of one batch (one round trip plus COMMIT). Rows are updated in place and only
/// when something differs, so ids stay stable and re-sending an unchanged schedule changes
/// neither session revisions nor the event version. Each operation first locks the event
/// row, so concurrent writers to one event are serialised instead of deadlocking. Version
/// bumps and notifications are the schema triggers' work, not this class's.
/// </summary>
public sealed class PostgresEventWriter
{
    private const string LockEvent = "SELECT id FROM events WHERE id = $1 FOR NO KEY UPDATE";
    private const string SelectVersion = "SELECT version FROM events WHERE id = $1";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresEventWriter(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    }

    /// <summary>
    /// Creates or replaces an event with all its tracks, rooms, speakers and sessions: rows
    /// missing from <paramref name="ev"/> are deleted. Tracks, rooms and speakers referenced by
    /// sessions but absent from the event's lists are stored too. Returns the new version.
    /// </summary>
    public async Task<string> UpsertEventAsync(Event ev, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ev);
        RequireId(ev.Id, nameof(ev));
        var sessions = DistinctById(ev.Sessions, s => s.Id, nameof(ev));
        var tracks = Union(ev.Tracks, sessions.Select(s => s.Track), t => t.Id);
        var rooms = Union(ev.Rooms, sessions.Select(s => s.Room), r => r.Id);
        var speakers = Union(ev.Speakers, sessions.SelectMany(s => s.Speakers), s => s.Id);

        var batch = new List<NpgsqlBatchCommand> { EventUpsert(ev) };
        batch.Add(Child(ChildTable.Tracks, ChildWrite.Replace, ev.Id, TrackArrays(tracks)));
        batch.Add(Child(ChildTable.Rooms, ChildWrite.Replace, ev.Id, RoomArrays(rooms)));
        batch.Add(Child(ChildTable.Speakers, ChildWrite.Replace, ev.Id, SpeakerArrays(speakers)));
        batch.Add(Child(ChildTable.Sessions, ChildWrite.Replace, ev.Id, SessionArrays(sessions)));
        batch.AddRange(LinkCommands(ev.Id, sessions, singleSessionId: null));
        batch.Add(DeleteOthers(ChildTable.Sessions, ev.Id, sessions.Select(s => s.Id)));
        batch.Add(DeleteOthers(ChildTable.Speakers, ev.Id, speakers.Select(s => s.Id)));
        batch.Add(DeleteOthers(ChildTable.Rooms, ev.Id, rooms.Select(r => r.Id)));
        batch.Add(DeleteOthers(ChildTable.Tracks, ev.Id, tracks.Select(t => t.Id)));
        batch.Add(Command(SelectVersion, Text(ev.Id)));

        var version = await RunAsync(batch, cancellationToken).ConfigureAwait(false);
        return PostgresEventReader.FormatVersion(version ?? throw new InvalidOperationException("The event vanished during its upsert."));
    }

    /// <summary>
    /// Deletes an event, everything in it and its upstream source (migration 0003) in one
    /// statement, so no instance can see the event gone while its source still exists and
    /// re-creates it on the next refresh. False when there was neither an event nor a source.
    /// </summary>
    public async Task<bool> DeleteEventAsync(string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        // Data-modifying CTEs run in the statement's one snapshot and transaction.
        await using var command = _dataSource.CreateCommand("""
            WITH source AS (DELETE FROM event_sources WHERE event_id = $1 RETURNING 1),
                 deleted AS (DELETE FROM events WHERE id = $1 RETURNING 1)
            SELECT (SELECT count(*) FROM source) + (SELECT count(*) FROM deleted)
            """);
        command.Parameters.Add(Text(eventId));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long count && count > 0;
    }

    /// <summary>Publishes or unpublishes an event. False when there is no such event.</summary>
    public Task<bool> SetPublishedAsync(string eventId, bool published, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        return UpdateEventAsync(
            "UPDATE events SET published = $2 WHERE id = $1",
            [Text(eventId), new NpgsqlParameter<bool> { TypedValue = published }],
            cancellationToken);
    }

    /// <summary>
    /// Sets who may read the event and its secret feed token (null removes it). Tokens are
    /// unique across events. False when there is no such event.
    /// </summary>
    public Task<bool> SetVisibilityAsync(string eventId, EventVisibility visibility, CancellationToken cancellationToken = default)
    {
        // The secret URL token is PostgresAccessTokenStore's alone (rotation); not set here.
        ArgumentNullException.ThrowIfNull(eventId);
        return UpdateEventAsync(
            "UPDATE events SET visibility = $2 WHERE id = $1",
            [Text(eventId), Text(VisibilityName(visibility))],
            cancellationToken);
    }

    /// <summary>
    /// Creates or updates one session and its speaker list. Its track, room and speakers are
    /// created when missing but otherwise left as they are (rename them with
    /// <see cref="UpsertTrackAsync"/> etc.). False when there is no such event.
    /// </summary>
    public async Task<bool> UpsertSessionAsync(string eventId, Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(session);
        RequireId(session.Id, nameof(session));
        Session[] sessions = [session];
        var batch = new List<NpgsqlBatchCommand>
        {
            Command(LockEvent, Text(eventId)),
            Child(ChildTable.Tracks, ChildWrite.EnsureExists, eventId, TrackArrays(Union([], [session.Track], t => t.Id))),
            Child(ChildTable.Rooms, ChildWrite.EnsureExists, eventId, RoomArrays(Union([], [session.Room], r => r.Id))),
            Child(ChildTable.Speakers, ChildWrite.EnsureExists, eventId, SpeakerArrays(Union([], session.Speakers, s => s.Id))),
            Child(ChildTable.Sessions, ChildWrite.Upsert, eventId, SessionArrays(sessions)),
        };
        batch.AddRange(LinkCommands(eventId, sessions, session.Id));
        return await RunLockedAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes one session. False when there was no such session.</summary>
    public Task<bool> DeleteSessionAsync(string eventId, string sessionId, CancellationToken cancellationToken = default) =>
        DeleteChildAsync(ChildTable.Sessions, eventId, sessionId, cancellationToken);

    /// <summary>Creates or updates a speaker (the e-mail address is kept). False when there is no such event.</summary>
    public Task<bool> UpsertSpeakerAsync(string eventId, Speaker speaker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(speaker);
        RequireId(speaker.Id, nameof(speaker));
        return UpsertChildAsync(ChildTable.Speakers, eventId, SpeakerArrays([speaker]), cancellationToken);
    }

    /// <summary>
    /// Stores a speaker's e-mail address for organisers. It is never read into the schedule
    /// model, so no feed can show it. False when there is no such speaker.
    /// </summary>
    public async Task<bool> SetSpeakerEmailAsync(string eventId, string speakerId, string? email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(speakerId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(LockEvent, Text(eventId)));
        batch.BatchCommands.Add(Command(
            "UPDATE speakers SET email = $3 WHERE event_id = $1 AND id = $2 AND email IS DISTINCT FROM $3",
            Text(eventId),
            Text(speakerId),
            Text(email)));
        batch.BatchCommands.Add(Command("SELECT 1::bigint FROM speakers WHERE event_id = $1 AND id = $2", Text(eventId), Text(speakerId)));
        var found = false;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the lock's rows
            found = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Deletes a speaker and removes them from their sessions. False when there was no such speaker.</summary>
    public Task<bool> DeleteSpeakerAsync(string eventId, string speakerId, CancellationToken cancellationToken = default) =>
        DeleteChildAsync(ChildTable.Speakers, eventId, speakerId, cancellationToken);

    /// <summary>Creates or updates (e.g. renames) a track. False when there is no such event.</summary>
    public Task<bool> UpsertTrackAsync(string eventId, Track track, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        RequireId(track.Id, nameof(track));
        return UpsertChildAsync(ChildTable.Tracks, eventId, TrackArrays([track]), cancellationToken);
    }

    /// <summary>Deletes a track; its sessions keep existing without a track. False when there was no such track.</summary>
    public Task<bool> DeleteTrackAsync(string eventId, string trackId, CancellationToken cancellationToken = default) =>
        DeleteChildAsync(ChildTable.Tracks, eventId, trackId, cancellationToken);

    /// <summary>Creates or updates a room. False when there is no such event.</summary>
    public Task<bool> UpsertRoomAsync(string eventId, Room room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        RequireId(room.Id, nameof(room));
        return UpsertChildAsync(ChildTable.Rooms, eventId, RoomArrays([room]), cancellationToken);
    }

    /// <summary>Deletes a room; its sessions keep existing without a room. False when there was no such room.</summary>
    public Task<bool> DeleteRoomAsync(string eventId, string roomId, CancellationToken cancellationToken = default) =>
        DeleteChildAsync(ChildTable.Rooms, eventId, roomId, cancellationToken);

    private Task<bool> UpsertChildAsync(ChildTable table, string eventId, NpgsqlParameter[] arrays, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        return RunLockedAsync([Command(LockEvent, Text(eventId)), Child(table, ChildWrite.Upsert, eventId, arrays)], cancellationToken);
    }

    private async Task<bool> DeleteChildAsync(ChildTable table, string eventId, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(LockEvent, Text(eventId)));
        batch.BatchCommands.Add(Command($"DELETE FROM {table.Name} WHERE event_id = $1 AND id = $2", Text(eventId), Text(id)));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var deleted = batch.BatchCommands[1].RecordsAffected > 0;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private async Task<bool> UpdateEventAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        // The WHERE of the statement matches even when nothing changes; the trigger decides
        // whether that is a new version.
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Runs a batch whose first command locks the event; false (and nothing written) when the event does not exist.</summary>
    private async Task<bool> RunLockedAsync(List<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Lock first, separately: without the event the child inserts would fail on the foreign key.
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(commands[0]);
            if (await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var command in commands.Skip(1))
            {
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Runs a batch in a transaction; returns the last value any result set produced.</summary>
    private async Task<long?> RunAsync(List<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long? last = null;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var command in commands)
            {
                batch.BatchCommands.Add(command);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    last = reader.GetInt64(0);
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return last;
    }

    private static NpgsqlBatchCommand EventUpsert(Event ev)
    {
        string[] columns =
        [
            "name", "description", "url", "time_zone", "venue_name", "venue_address", "venue_latitude",
            "venue_longitude", "image_url", "published", "visibility",
        ];
        var sql = $"""
            INSERT INTO events (id, {string.Join(", ", columns)}, last_modified)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (id) DO UPDATE SET {string.Join(", ", columns.Select(c => $"{c} = EXCLUDED.{c}"))}
            WHERE ({string.Join(", ", columns.Select(c => "events." + c))}) IS DISTINCT FROM ({string.Join(", ", columns.Select(c => "EXCLUDED." + c))})
            """;
        return Command(
            sql,
            Text(ev.Id),
            Text(ev.Name),
            Text(ev.Description),
            Text(ev.Url),
            Text(ev.TimeZone),
            Text(ev.Venue?.Name),
            Text(ev.Venue?.Address),
            Nullable(ev.Venue?.Geo?.Latitude, NpgsqlDbType.Double),
            Nullable(ev.Venue?.Geo?.Longitude, NpgsqlDbType.Double),
            Text(ev.ImageUrl),
            new NpgsqlParameter<bool> { TypedValue = ev.Published },
            Text(VisibilityName(ev.Visibility)),
            new NpgsqlParameter<DateTime> { TypedValue = ev.LastModified.ToDateTimeUtc() });
    }

    private static IEnumerable<NpgsqlBatchCommand> LinkCommands(string eventId, IReadOnlyList<Session> sessions, string? singleSessionId)
    {
        var sessionIds = new List<string>();
        var speakerIds = new List<string>();
        var ordinals = new List<int>();
        foreach (var session in sessions)
        {
            var ordinal = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var speaker in session.Speakers)
            {
                if (seen.Add(speaker.Id))
                {
                    sessionIds.Add(session.Id);
                    speakerIds.Add(speaker.Id);
                    ordinals.Add(ordinal++);
                }
            }
        }

        yield return Command(
            """
            INSERT INTO session_speakers (event_id, session_id, speaker_id, ordinal)
            SELECT $1, x.session_id, x.speaker_id, x.ordinal
            FROM unnest($2::text[], $3::text[], $4::integer[]) AS x (session_id, speaker_id, ordinal)
            ON CONFLICT (event_id, session_id, speaker_id) DO UPDATE SET ordinal = EXCLUDED.ordinal
            WHERE session_speakers.ordinal IS DISTINCT FROM EXCLUDED.ordinal
            """,
            Text(eventId),
            Array(sessionIds.ToArray(), NpgsqlDbType.Text),
            Array(speakerIds.ToArray(), NpgsqlDbType.Text),
            Array(ordinals.ToArray(), NpgsqlDbType.Integer));

        yield return Command(
            """
            DELETE FROM session_speakers l
            WHERE l.event_id = $1 AND ($4::text IS NULL OR l.session_id = $4)
              AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) AS x (session_id, speaker_id)
                              WHERE x.session_id = l.session_id AND x.speaker_id = l.speaker_id)
            """,
            Text(eventId),
            Array(sessionIds.ToArray(), NpgsqlDbType.Text),
            Array(speakerIds.ToArray(), NpgsqlDbType.Text),
            Text(singleSessionId));
    }

    private static NpgsqlBatchCommand Child(ChildTable table, ChildWrite mode, string eventId, NpgsqlParameter[] arrays)
    {
        var command = new NpgsqlBatchCommand(table.UpsertSql(mode));
        command.Parameters.Add(Text(eventId));
        command.Parameters.AddRange(arrays);
        return command;
    }

    private static NpgsqlBatchCommand DeleteOthers(ChildTable table, string eventId, IEnumerable<string> keep) =>
        Command(table.DeleteOthersSql, Text(eventId), Array(keep.ToArray(), NpgsqlDbType.Text));

    private static NpgsqlParameter[] TrackArrays(IReadOnlyList<Track> tracks) =>
    [
        Array(tracks.Select(t => t.Id).ToArray(), NpgsqlDbType.Text),
        Array(tracks.Select(t => t.Name).ToArray(), NpgsqlDbType.Text),
        Array(tracks.Select(t => t.Color).ToArray(), NpgsqlDbType.Text),
    ];

    private static NpgsqlParameter[] RoomArrays(IReadOnlyList<Room> rooms) =>
    [
        Array(rooms.Select(r => r.Id).ToArray(), NpgsqlDbType.Text),
        Array(rooms.Select(r => r.Name).ToArray(), NpgsqlDbType.Text),
        Array(rooms.Select(r => r.Floor).ToArray(), NpgsqlDbType.Integer),
        Array(rooms.Select(r => r.Geo?.Latitude).ToArray(), NpgsqlDbType.Double),
        Array(rooms.Select(r => r.Geo?.Longitude).ToArray(), NpgsqlDbType.Double),
    ];

    private static NpgsqlParameter[] SpeakerArrays(IReadOnlyList<Speaker> speakers) =>
    [
        Array(speakers.Select(s => s.Id).ToArray(), NpgsqlDbType.Text),
        Array(speakers.Select(s => s.Name).ToArray(), NpgsqlDbType.Text),
        Array(speakers.Select(s => s.Organisation).ToArray(), NpgsqlDbType.Text),
        Array(speakers.Select(s => s.Position).ToArray(), NpgsqlDbType.Text),
    ];

    private static NpgsqlParameter[] SessionArrays(IReadOnlyList<Session> sessions) =>
    [
        Array(sessions.Select(s => s.Id).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.Title).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.Subtitle).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.Abstract).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => Utc(s.Start)).ToArray(), NpgsqlDbType.TimestampTz),
        Array(sessions.Select(s => Utc(s.End)).ToArray(), NpgsqlDbType.TimestampTz),
        Array(sessions.Select(s => s.State.ToWireName()).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.Track?.Id).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.Room?.Id).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.Type).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.Language).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.Url).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.ImageUrl).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.StreamUrl).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.VideoUrl).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => s.SlidesUrl).ToArray(), NpgsqlDbType.Text),
        Array(sessions.Select(s => SessionRecurrence.ToJson(s)).ToArray(), NpgsqlDbType.Jsonb),
        Array(sessions.Select(s => Utc(s.LastModified)).ToArray(), NpgsqlDbType.TimestampTz),
        Array(sessions.Select(s => s.Revision).ToArray(), NpgsqlDbType.Integer),
    ];

    private static DateTime Utc(Instant instant) => instant.ToDateTimeUtc();

    private static string VisibilityName(EventVisibility visibility) =>
        visibility == EventVisibility.Private ? "private" : "public";

    private static void RequireId(string id, string parameterName)
    {
        if (!ScheduleId.IsValid(id))
        {
            throw new ArgumentException($"'{id}' is not a valid id.", parameterName);
        }
    }

    private static List<Session> DistinctById(IReadOnlyList<Session> sessions, Func<Session, string> id, string parameterName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var session in sessions)
        {
            if (!seen.Add(id(session)))
            {
                throw new ArgumentException($"Session id '{id(session)}' occurs twice.", parameterName);
            }
        }

        return [.. sessions];
    }

    /// <summary>The listed items, then referenced ones not listed; the first occurrence of an id wins.</summary>
    private static List<T> Union<T>(IEnumerable<T> listed, IEnumerable<T?> referenced, Func<T, string> id)
        where T : class
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<T>();
        foreach (var item in listed.Concat(referenced))
        {
            if (item is not null && seen.Add(id(item)))
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<string?> Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };

    private static NpgsqlParameter Nullable(double? value, NpgsqlDbType type) =>
        new() { NpgsqlDbType = type, Value = value.HasValue ? value.Value : DBNull.Value };

    private static NpgsqlParameter Array(System.Array values, NpgsqlDbType elementType) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values };
}
