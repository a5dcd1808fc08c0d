using NpgsqlTypes;

namespace FeedProxy.Storage.Postgres;

/// <summary>How a write treats rows of a child table.</summary>
internal enum ChildWrite
{
    /// <summary>The given rows are all there is: update in place (ordinal = list position), delete the rest.</summary>
    Replace,
    /// <summary>Insert or update the given rows; keep others and existing ordinals.</summary>
    Upsert,
    /// <summary>Insert the given rows if missing; leave existing ones untouched.</summary>
    EnsureExists,
}

/// <summary>
/// SQL for writing a child table (keyed (event_id, id), ordered by ordinal) from parallel
/// arrays through unnest, so a whole list is one statement. Updates carry
/// "WHERE row IS DISTINCT FROM new row": an unchanged row is not rewritten, so its triggers
/// (revision, version) do not fire.
/// </summary>
internal sealed record ChildTable(string Name, IReadOnlyList<ChildColumn> Columns)
{
    public static readonly ChildTable Tracks = new("tracks",
    [
        new("name", NpgsqlDbType.Text),
        new("color", NpgsqlDbType.Text),
    ]);

    public static readonly ChildTable Rooms = new("rooms",
    [
        new("name", NpgsqlDbType.Text),
        new("floor", NpgsqlDbType.Integer),
        new("latitude", NpgsqlDbType.Double),
        new("longitude", NpgsqlDbType.Double),
    ]);

    // No email: organisers set it separately, and the schedule model has none to write.
    public static readonly ChildTable Speakers = new("speakers",
    [
        new("name", NpgsqlDbType.Text),
        new("organisation", NpgsqlDbType.Text),
        new("position", NpgsqlDbType.Text),
    ]);

    public static readonly ChildTable Sessions = new("sessions",
    [
        new("title", NpgsqlDbType.Text),
        new("subtitle", NpgsqlDbType.Text),
        new("abstract", NpgsqlDbType.Text),
        new("start_at", NpgsqlDbType.TimestampTz),
        new("end_at", NpgsqlDbType.TimestampTz),
        new("state", NpgsqlDbType.Text),
        new("track_id", NpgsqlDbType.Text),
        new("room_id", NpgsqlDbType.Text),
        new("type", NpgsqlDbType.Text),
        new("language", NpgsqlDbType.Text),
        new("url", NpgsqlDbType.Text),
        new("image_url", NpgsqlDbType.Text),
        new("stream_url", NpgsqlDbType.Text),
        new("video_url", NpgsqlDbType.Text),
        new("slides_url", NpgsqlDbType.Text),
        // The "recurrence" object of the JSON event format (migration 0002); null for one-offs.
        new("recurrence", NpgsqlDbType.Jsonb),
        // Taken from the model when a session is created; afterwards the triggers own them.
        new("last_modified", NpgsqlDbType.TimestampTz, InsertOnly: true),
        new("revision", NpgsqlDbType.Integer, InsertOnly: true),
    ]);

    /// <summary>
    /// Upsert statement. Parameters: $1 event id, $2 text[] ids, then one array per column in
    /// <see cref="Columns"/> order.
    /// </summary>
    public string UpsertSql(ChildWrite mode)
    {
        var names = Columns.Select(c => c.Name).ToArray();
        var arrays = string.Join(", ", Columns.Select((c, i) => $"${i + 3}::{c.SqlType}[]"));
        var ordinal = mode == ChildWrite.Replace
            ? "x.ord::integer - 1"
            : $"(SELECT coalesce(max(ordinal) + 1, 0) FROM {Name} WHERE event_id = $1) + x.ord::integer - 1";
        var insert = $"""
            INSERT INTO {Name} (event_id, id, ordinal, {string.Join(", ", names)})
            SELECT $1, x.id, {ordinal}, {string.Join(", ", names.Select(n => "x." + n))}
            FROM unnest($2::text[], {arrays}) WITH ORDINALITY AS x (id, {string.Join(", ", names)}, ord)
            """;
        if (mode == ChildWrite.EnsureExists)
        {
            return insert + "\nON CONFLICT (event_id, id) DO NOTHING";
        }

        var updated = Columns.Where(c => !c.InsertOnly).Select(c => c.Name).ToList();
        if (mode == ChildWrite.Replace)
        {
            updated.Insert(0, "ordinal");
        }

        return $"""
            {insert}
            ON CONFLICT (event_id, id) DO UPDATE SET {string.Join(", ", updated.Select(n => $"{n} = EXCLUDED.{n}"))}
            WHERE ({string.Join(", ", updated.Select(n => $"{Name}.{n}"))}) IS DISTINCT FROM ({string.Join(", ", updated.Select(n => "EXCLUDED." + n))})
            """;
    }

    /// <summary>Deletes the event's rows whose id is not in $2 (text[]).</summary>
    public string DeleteOthersSql => $"DELETE FROM {Name} WHERE event_id = $1 AND id <> ALL($2::text[])";
}

internal sealed record ChildColumn(string Name, NpgsqlDbType Type, bool InsertOnly = false)
{
    public string SqlType => Type switch
    {
        NpgsqlDbType.Text => "text",
        NpgsqlDbType.Integer => "integer",
        NpgsqlDbType.Double => "double precision",
        NpgsqlDbType.TimestampTz => "timestamptz",
        NpgsqlDbType.Jsonb => "jsonb",
        _ => throw new NotSupportedException(Type.ToString()),
    };
}
