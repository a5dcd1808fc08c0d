using System.Globalization;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;
using Npgsql;

namespace FeedProxy.Storage.Postgres;

/// <summary>
/// Loads one event with everything in it in a single round trip: one batch of SELECTs inside
/// a read-only REPEATABLE READ transaction, so all result sets come from the same snapshot
/// (under READ COMMITTED each statement would see its own). Text passes through
/// <see cref="TextSanitizer"/> here, where it enters the model (clean text, nearly all of it,
/// is found clean by its vectorised check and kept as the same instance). speakers.email is
/// never selected.
/// </summary>
internal static class PostgresEventReader
{
    private static readonly string[] Queries =
    [
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        """
        SELECT id, name, description, url, time_zone, venue_name, venue_address, venue_latitude,
               venue_longitude, image_url, published, visibility,
               -- Last-Modified must move on any content change, deletions included.
               GREATEST(last_modified, content_modified), version
        FROM events WHERE id = $1
        """,
        "SELECT id, name, color FROM tracks WHERE event_id = $1 ORDER BY ordinal, id",
        "SELECT id, name, floor, latitude, longitude FROM rooms WHERE event_id = $1 ORDER BY ordinal, id",
        "SELECT id, name, organisation, position FROM speakers WHERE event_id = $1 ORDER BY ordinal, id",
        // Before the sessions, so each session is built once with its speakers. The two large
        // result sets are not sorted by PostgreSQL but here: unsorted, the first rows leave as
        // soon as the scan finds them and are read while the rest are still coming, where an
        // ORDER BY (the planner sorts rather than walks an index for ~1,000 rows) holds every
        // row back until the sort is done (docs/benchmarks.md, "Cold path, fourth pass").
        "SELECT session_id, speaker_id, ordinal FROM session_speakers WHERE event_id = $1",
        """
        SELECT id, title, subtitle, abstract, start_at, end_at, state, track_id, room_id, type,
               language, url, image_url, stream_url, video_url, slides_url, last_modified, revision,
               recurrence::text, ordinal
        FROM sessions WHERE event_id = $1
        """,
        "COMMIT",
    ];

    public static string FormatVersion(long version) => version.ToString(CultureInfo.InvariantCulture);

    public static async Task<EventSnapshot?> LoadAsync(NpgsqlDataSource dataSource, string eventId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in Queries)
        {
            var command = new NpgsqlBatchCommand(sql);
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
            }

            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN has no result set; the reader starts at the events SELECT.
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var head = ReadEventRow(reader, eventId);

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var tracks = new List<Track>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            tracks.Add(new Track { Id = id, Name = TextSanitizer.Line(reader.GetString(1)) ?? id, Color = TextSanitizer.Line(reader.GetStringOrNull(2)) });
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var rooms = new List<Room>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            rooms.Add(new Room
            {
                Id = id,
                Name = TextSanitizer.Line(reader.GetString(1)) ?? id,
                Floor = reader.GetInt32OrNull(2),
                Geo = Geo(reader, 3),
            });
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var speakers = new List<Speaker>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            speakers.Add(new Speaker
            {
                Id = id,
                Name = TextSanitizer.Line(reader.GetString(1)) ?? id,
                Organisation = TextSanitizer.Line(reader.GetStringOrNull(2)),
                Position = TextSanitizer.Line(reader.GetStringOrNull(3)),
            });
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var speakerById = ById(speakers, s => s.Id);
        var links = new Dictionary<string, List<(int Ordinal, Speaker Speaker)>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sessionId = reader.GetString(0);
            if (!links.TryGetValue(sessionId, out var list))
            {
                links[sessionId] = list = [];
            }

            list.Add((reader.GetInt32(2), speakerById[reader.GetString(1)]));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var trackById = ById(tracks, t => t.Id);
        var roomById = ById(rooms, r => r.Id);
        var rows = new List<(int Ordinal, Session Session)>();
        var recurrences = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            rows.Add((reader.GetInt32(19), new Session
            {
                Id = id,
                Title = TextSanitizer.Line(reader.GetString(1)) ?? id,
                Subtitle = TextSanitizer.Line(reader.GetStringOrNull(2)),
                Abstract = TextSanitizer.Text(reader.GetStringOrNull(3)),
                Start = Instant.FromDateTimeUtc(reader.GetDateTime(4)),
                End = Instant.FromDateTimeUtc(reader.GetDateTime(5)),
                State = SessionStateExtensions.TryParse(reader.GetString(6), out var state) ? state : SessionState.Confirmed,
                Track = reader.GetStringOrNull(7) is { } trackId ? trackById[trackId] : null,
                Room = reader.GetStringOrNull(8) is { } roomId ? roomById[roomId] : null,
                Type = TextSanitizer.Line(reader.GetStringOrNull(9)),
                Language = TextSanitizer.Line(reader.GetStringOrNull(10)),
                Url = TextSanitizer.Line(reader.GetStringOrNull(11)),
                ImageUrl = TextSanitizer.Line(reader.GetStringOrNull(12)),
                StreamUrl = TextSanitizer.Line(reader.GetStringOrNull(13)),
                VideoUrl = TextSanitizer.Line(reader.GetStringOrNull(14)),
                SlidesUrl = TextSanitizer.Line(reader.GetStringOrNull(15)),
                LastModified = Instant.FromDateTimeUtc(reader.GetDateTime(16)),
                Revision = reader.GetInt32(17),
                Speakers = links.TryGetValue(id, out var speakerList) ? InOrder(speakerList, SpeakerTies) : [],
            }));
            if (reader.GetStringOrNull(18) is { } recurrence)
            {
                recurrences[id] = recurrence;
            }
        }

        var ev = head.Event with { Tracks = tracks, Rooms = rooms, Speakers = speakers, Sessions = InOrder(rows, SessionTies) };
        if (recurrences.Count > 0)
        {
            ev = SessionRecurrence.Attach(ev, recurrences);
        }

        return new EventSnapshot(ev, FormatVersion(head.Version));
    }

    private static (Event Event, long Version) ReadEventRow(NpgsqlDataReader reader, string eventId)
    {
        var venueName = TextSanitizer.Line(reader.GetStringOrNull(5));
        var ev = new Event
        {
            Id = reader.GetString(0),
            Name = TextSanitizer.Line(reader.GetString(1)) ?? eventId,
            Description = TextSanitizer.Text(reader.GetStringOrNull(2)),
            Url = TextSanitizer.Line(reader.GetStringOrNull(3)),
            TimeZone = reader.GetString(4),
            Venue = venueName is null ? null : new Venue
            {
                Name = venueName,
                Address = TextSanitizer.Text(reader.GetStringOrNull(6)),
                Geo = Geo(reader, 7),
            },
            ImageUrl = TextSanitizer.Line(reader.GetStringOrNull(9)),
            Published = reader.GetBoolean(10),
            Visibility = reader.GetString(11) == "private" ? EventVisibility.Private : EventVisibility.Public,
            LastModified = Instant.FromDateTimeUtc(reader.GetDateTime(12)),
        };
        return (ev, reader.GetInt64(13));
    }

    // Sessions by (ordinal, start, id) and a session's speakers by (ordinal, id): the order
    // they were written in. Ids compare ordinally (the one order that does not depend on the
    // database's collation); they only break ties of ordinal (and start), which writes avoid.
    private static readonly Comparison<Session> SessionTies = static (a, b) =>
    {
        var order = a.Start.CompareTo(b.Start);
        return order != 0 ? order : string.CompareOrdinal(a.Id, b.Id);
    };

    private static readonly Comparison<Speaker> SpeakerTies = static (a, b) => string.CompareOrdinal(a.Id, b.Id);

    private static T[] InOrder<T>(List<(int Ordinal, T Item)> rows, Comparison<T> ties)
    {
        if (rows.Count > 1)
        {
            rows.Sort((a, b) =>
            {
                var order = a.Ordinal.CompareTo(b.Ordinal);
                return order != 0 ? order : ties(a.Item, b.Item);
            });
        }

        var items = new T[rows.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = rows[i].Item;
        }

        return items;
    }

    private static Dictionary<string, T> ById<T>(List<T> items, Func<T, string> id)
    {
        var map = new Dictionary<string, T>(items.Count, StringComparer.Ordinal);
        foreach (var item in items)
        {
            map[id(item)] = item;
        }

        return map;
    }

    private static GeoPoint? Geo(NpgsqlDataReader reader, int latitudeOrdinal)
    {
        if (reader.IsDBNull(latitudeOrdinal) || reader.IsDBNull(latitudeOrdinal + 1))
        {
            return null;
        }

        var point = new GeoPoint(reader.GetDouble(latitudeOrdinal), reader.GetDouble(latitudeOrdinal + 1));
        return point.IsValid ? point : null;
    }
}
