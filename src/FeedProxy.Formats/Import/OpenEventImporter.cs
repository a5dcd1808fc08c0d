using System.IO.Compression;
using System.Text.Json;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Import;

/// <summary>
/// Open Event Server exports (FOSSASIA, eventyay). The server exports a zip of JSON files
/// without extension: <c>event</c>, <c>sessions</c>, <c>speakers</c>, <c>tracks</c>,
/// <c>microlocations</c>, <c>session_types</c> (plus <c>sponsors</c>, <c>forms</c>, <c>meta</c>,
/// which we ignore). Accepted inputs:
/// <list type="number">
/// <item>that zip (files matched by name, with or without ".json", in any folder);</item>
/// <item>one combined JSON object whose keys are those file names
/// (<c>{"event": {...}, "sessions": [...], "speakers": [...], ...}</c>);</item>
/// <item>the unpacked folder, through <see cref="ImportDirectory"/>.</item>
/// </list>
/// Only <c>event</c> and <c>sessions</c> are required; sessions embed their track,
/// microlocation and speakers, the other files add colours, floors and positions. Both key
/// spellings are read: dasherized (2016-2017: <c>starts-at</c>) and snake_case (2018:
/// <c>start_time</c>). Session states map to the model (accepted/confirmed are public;
/// draft, pending, rejected, withdrawn are kept but never public; soft-deleted public sessions become
/// cancelled). Unscheduled sessions (no start) are left out. Speaker e-mail and phone fields are
/// never read.
/// </summary>
public sealed class OpenEventImporter : IScheduleImporter
{
    private static readonly string[] PartNames = ["event", "sessions", "speakers", "tracks", "microlocations", "session_types"];

    public string Name => "open-event";

    public bool CanRead(string? contentType, ReadOnlySpan<byte> head)
    {
        var family = Sniff.Of(contentType);
        return (family is Sniff.Family.Zip or Sniff.Family.Unknown && Sniff.IsZip(head))
            || (family is Sniff.Family.Json or Sniff.Family.Unknown && Sniff.JsonHas(head, "event", "sessions") && !Sniff.JsonHas(head, "schedule"));
    }

    public Event Import(Stream input, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        return ScheduleTime.InRange(() => ImportCore(input, options));
    }

    private static Event ImportCore(Stream input, ImportOptions options)
    {
        var seekable = input.CanSeek ? input : Buffer(input);
        var head = new byte[4];
        var read = seekable.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        seekable.Seek(-read, SeekOrigin.Current);
        if (Sniff.IsZip(head.AsSpan(0, read)))
        {
            return FromZip(seekable, options);
        }

        using var document = JsonRead.Parse(seekable);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ImportException($"Expected an object with 'event' and 'sessions', found {JsonRead.Kind(root)}.", "$");
        }

        return Read(name => JsonRead.Get(root, name, name.Replace('_', '-')), options);
    }

    /// <summary>Imports an unpacked export folder (files named as in the zip, with or without ".json").</summary>
    public static Event ImportDirectory(string path, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(path))
        {
            throw new ImportException($"No such folder: '{Path.GetFileName(path)}'.");
        }

        var documents = new List<JsonDocument>();
        try
        {
            var parts = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var part in PartNames)
            {
                var file = new[] { part, part + ".json", part.Replace('_', '-'), part.Replace('_', '-') + ".json" }
                    .Select(n => Path.Combine(path, n))
                    .FirstOrDefault(File.Exists);
                if (file is null)
                {
                    continue;
                }

                using var stream = File.OpenRead(file);
                var document = ParsePart(stream, part);
                documents.Add(document);
                parts[part] = document.RootElement;
            }

            return ScheduleTime.InRange(() => Read(name => parts.TryGetValue(name, out var value) ? value : null, options));
        }
        finally
        {
            documents.ForEach(d => d.Dispose());
        }
    }

    private static Event FromZip(Stream input, ImportOptions options)
    {
        var documents = new List<JsonDocument>();
        try
        {
            using var archive = new ZipArchive(input, ZipArchiveMode.Read, leaveOpen: true);
            var parts = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var limits = options.Limits;
            var budget = limits.MaxUncompressedBytes;
            foreach (var entry in archive.Entries)
            {
                var part = Path.GetFileNameWithoutExtension(entry.Name).ToLowerInvariant().Replace('-', '_');
                if (!PartNames.Contains(part) || parts.ContainsKey(part) || (entry.Name.Contains('.', StringComparison.Ordinal) && !entry.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                if (entry.Length > ScheduleImporters.MaxInputLength)
                {
                    throw new ImportException($"'{entry.FullName}' is larger than {ScheduleImporters.MaxInputLength / (1024 * 1024)} MB.");
                }

                // Declared sizes are checked first (cheap) and the actual expansion is counted
                // while reading (declared sizes can lie).
                if (entry.Length > OneMegabyte && entry.Length > (long)limits.MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
                {
                    throw new ImportException($"'{entry.FullName}' expands more than {limits.MaxCompressionRatio} times (limit of the compression ratio).");
                }

                if (entry.Length > budget)
                {
                    throw new ImportException($"The zip expands to more than the limit of {limits.MaxUncompressedBytes / (1024 * 1024)} MB.");
                }

                using var stream = new CountingStream(entry.Open(), budget, $"The zip expands to more than the limit of {limits.MaxUncompressedBytes / (1024 * 1024)} MB.");
                var document = ParsePart(stream, part);
                documents.Add(document);
                parts[part] = document.RootElement;
                budget -= stream.BytesRead;
            }

            return Read(name => parts.TryGetValue(name, out var value) ? value : null, options);
        }
        catch (InvalidDataException e)
        {
            throw new ImportException("Not a readable zip archive: " + e.Message, e);
        }
        finally
        {
            documents.ForEach(d => d.Dispose());
        }
    }

    private const long OneMegabyte = 1024 * 1024;

    private static JsonDocument ParsePart(Stream stream, string part)
    {
        try
        {
            return JsonRead.Parse(stream);
        }
        catch (ImportException e)
        {
            throw new ImportException(e.Message, part, e.Line, e.Column, e);
        }
    }

    private static MemoryStream Buffer(Stream input)
    {
        var buffer = new MemoryStream();
        input.CopyTo(buffer);
        buffer.Position = 0;
        return buffer;
    }

    private static Event Read(Func<string, JsonElement?> part, ImportOptions options)
    {
        var eventJson = JsonRead.Object(part("event"), "event")
            ?? throw new ImportException("Missing: an Open Event export has an 'event' object.", "event");
        var name = ImportText.Line(Str(eventJson, "name"))
            ?? throw new ImportException("Missing: the event has no name.", "event.name");
        var (zone, zoneId) = ZoneChoice.Choose(Str(eventJson, "timezone"), options);
        var builder = new ScheduleBuilder();

        var tracks = new Dictionary<string, Track>(StringComparer.Ordinal);
        foreach (var track in JsonRead.Array(part("tracks"), "tracks"))
        {
            if (builder.Track(Str(track, "name"), Str(track, "color")) is { } registered && Str(track, "id") is { } id)
            {
                tracks[id] = registered;
            }
        }

        var rooms = new Dictionary<string, Room>(StringComparer.Ordinal);
        foreach (var room in JsonRead.Array(part("microlocations"), "microlocations"))
        {
            if (builder.Room(Str(room, "name"), JsonRead.Int(JsonRead.Get(room, "floor")), Geo(room)) is { } registered && Str(room, "id") is { } id)
            {
                rooms[id] = registered;
            }
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in JsonRead.Array(part("session_types"), "session_types"))
        {
            if (Str(type, "id") is { } id && Str(type, "name") is { } typeName)
            {
                types[id] = typeName;
            }
        }

        var people = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var speaker in JsonRead.Array(part("speakers"), "speakers"))
        {
            if (Str(speaker, "id") is { } id)
            {
                people.TryAdd(id, speaker);
            }
        }

        var lastModified = ScheduleTime.Instant(Str(eventJson, "schedule-published-on", "schedule_published_on"), zone) ?? options.ImportedAt;
        var sessionsPart = part("sessions") ?? throw new ImportException("Missing: an Open Event export has a 'sessions' list.", "sessions");
        var index = 0;
        foreach (var session in JsonRead.Array(sessionsPart, "sessions"))
        {
            var path = $"sessions[{index++}]";
            if (session.ValueKind != JsonValueKind.Object)
            {
                throw new ImportException($"Expected a session object, found {JsonRead.Kind(session)}.", path);
            }

            ScheduleTime.InRange(() => ReadSession(session, path, builder, zone, tracks, rooms, types, people, lastModified), path);
        }

        zoneId ??= builder.ZoneFromOffsets() ?? throw new ImportException(ZoneChoice.Missing, "event.timezone");

        var venueName = ImportText.Line(Str(eventJson, "location-name", "location_name"));
        var latitude = JsonRead.Double(JsonRead.Get(eventJson, "latitude"));
        var longitude = JsonRead.Double(JsonRead.Get(eventJson, "longitude"));
        var header = new Event
        {
            Id = ScheduleBuilder.EventId(options, name, Str(eventJson, "identifier"), name),
            Name = name,
            Description = ImportText.Text(Str(eventJson, "description")),
            Url = ImportText.Url(Str(eventJson, "event-url", "event_url", "external_event_url", "external-event-url")),
            TimeZone = zoneId,
            Venue = venueName is null ? null : new Venue
            {
                Name = venueName,
                Geo = latitude is { } lat && longitude is { } lon && new GeoPoint(lat, lon) is { IsValid: true } point ? point : null,
            },
            // Relative logo paths point into the export's own images folder, which we do not serve: dropped.
            ImageUrl = ImportText.Url(Str(eventJson, "logo-url", "logo_url", "logo"))
                ?? ImportText.Url(Str(eventJson, "original-image-url", "original_image_url", "large-image-url", "large")),
            Published = !string.Equals(Str(eventJson, "state"), "draft", StringComparison.OrdinalIgnoreCase),
            Visibility = string.Equals(Str(eventJson, "privacy"), "private", StringComparison.OrdinalIgnoreCase) ? EventVisibility.Private : EventVisibility.Public,
            LastModified = lastModified,
        };
        return builder.Build(header);
    }

    private static void ReadSession(
        JsonElement session,
        string path,
        ScheduleBuilder builder,
        DateTimeZone? zone,
        Dictionary<string, Track> tracks,
        Dictionary<string, Room> rooms,
        Dictionary<string, string> types,
        Dictionary<string, JsonElement> people,
        Instant lastModified)
    {
        var startText = Str(session, "starts-at", "starts_at", "start_time", "start-time");
        if (string.IsNullOrWhiteSpace(startText))
        {
            return; // not scheduled: nothing a calendar can show
        }

        var start = ScheduleTime.Instant(startText, zone)
            ?? throw new ImportException(zone is null && ScheduleTime.Local(startText) is not null ? ZoneChoice.Missing : $"'{Short(startText)}' is not an ISO 8601 date-time.", path + ".starts-at");
        if (ScheduleTime.WithOffset(startText) is { } offset)
        {
            builder.SawOffset(offset.Offset);
        }

        var endText = Str(session, "ends-at", "ends_at", "end_time", "end-time");
        var end = string.IsNullOrWhiteSpace(endText)
            ? start
            : ScheduleTime.Instant(endText, zone) ?? throw new ImportException($"'{Short(endText)}' is not an ISO 8601 date-time.", path + ".ends-at");
        if (end < start)
        {
            throw new ImportException("Ends before it starts.", path + ".ends-at");
        }

        var title = ImportText.Line(Str(session, "title"))
            ?? throw new ImportException("Missing: the session has no title.", path + ".title");

        var state = SessionState.Confirmed;
        if (Str(session, "state") is { } stateText && !SessionStateExtensions.TryParse(stateText, out state))
        {
            state = SessionState.Pending; // unknown states are never public
        }

        if (!string.IsNullOrWhiteSpace(Str(session, "deleted-at", "deleted_at")) && state.IsPublic())
        {
            // Soft-deleted after it was public: subscribers should drop their copy (RFC 5545
            // section 3.8.1.11). A deleted draft, pending, rejected or withdrawn session keeps
            // its state, so it never appears, not even as cancelled.
            state = SessionState.Cancelled;
        }

        var speakers = new List<Speaker>();
        foreach (var entry in JsonRead.Array(JsonRead.Get(session, "speakers"), path + ".speakers"))
        {
            var id = entry.ValueKind == JsonValueKind.Object ? Str(entry, "id") : JsonRead.Str(entry);
            var full = id is not null && people.TryGetValue(id, out var known) ? known : (JsonElement?)null;
            var speakerName = (entry.ValueKind == JsonValueKind.Object ? Str(entry, "name") : null) ?? (full is { } f1 ? Str(f1, "name") : null);
            var organisation = (entry.ValueKind == JsonValueKind.Object ? Str(entry, "organisation") : null) ?? (full is { } f2 ? Str(f2, "organisation") : null);
            var position = (entry.ValueKind == JsonValueKind.Object ? Str(entry, "position") : null) ?? (full is { } f3 ? Str(f3, "position") : null);
            if (builder.Speaker(id, speakerName, organisation, position) is { } speaker)
            {
                speakers.Add(speaker);
            }
        }

        var slides = JsonRead.Get(session, "slides-url", "slides_url", "slides");
        Classify(builder, session, out var track, out var room, out var type, tracks, rooms, types);
        builder.Add(new Session
        {
            Id = builder.SessionId($"{title}|{start}", Str(session, "id")),
            Title = title,
            Subtitle = ImportText.Line(Str(session, "subtitle")),
            Abstract = ImportText.Combine(
                ImportText.Text(Str(session, "short-abstract", "short_abstract")),
                ImportText.Text(Str(session, "long-abstract", "long_abstract"))),
            Start = start,
            End = end,
            State = state,
            Track = track,
            Room = room,
            Type = type,
            Language = ImportText.Line(Str(session, "language")),
            VideoUrl = ImportText.Url(Str(session, "video-url", "video_url", "video")),
            SlidesUrl = ImportText.Url(slides is { ValueKind: JsonValueKind.Array } list
                ? list.EnumerateArray().Select(s => JsonRead.Str(s) ?? Str(s, "link", "url")).FirstOrDefault(s => s is not null)
                : JsonRead.Str(slides)),
            Speakers = speakers,
            LastModified = lastModified,
        });
    }

    /// <summary>Track, room and type given inline as objects ({"id", "name"}) or as ids into the side files.</summary>
    private static void Classify(
        ScheduleBuilder builder,
        JsonElement session,
        out Track? track,
        out Room? room,
        out string? type,
        Dictionary<string, Track> tracks,
        Dictionary<string, Room> rooms,
        Dictionary<string, string> types)
    {
        track = null;
        if (JsonRead.Get(session, "track") is { } t)
        {
            var id = t.ValueKind == JsonValueKind.Object ? Str(t, "id") : JsonRead.Str(t);
            track = id is not null && tracks.TryGetValue(id, out var known)
                ? known
                : builder.Track(t.ValueKind == JsonValueKind.Object ? Str(t, "name") : null, t.ValueKind == JsonValueKind.Object ? Str(t, "color") : null);
        }

        room = null;
        if (JsonRead.Get(session, "microlocation") is { } r)
        {
            var id = r.ValueKind == JsonValueKind.Object ? Str(r, "id") : JsonRead.Str(r);
            room = id is not null && rooms.TryGetValue(id, out var known)
                ? known
                : r.ValueKind == JsonValueKind.Object
                    ? builder.Room(Str(r, "name"), JsonRead.Int(JsonRead.Get(r, "floor")), Geo(r))
                    : builder.Room(null);
        }

        type = null;
        if (JsonRead.Get(session, "session-type", "session_type") is { } st)
        {
            var id = st.ValueKind == JsonValueKind.Object ? Str(st, "id") : JsonRead.Str(st);
            type = ImportText.Line((st.ValueKind == JsonValueKind.Object ? Str(st, "name") : null) ?? (id is not null && types.TryGetValue(id, out var known) ? known : null));
        }
    }

    private static GeoPoint? Geo(JsonElement room) =>
        JsonRead.Double(JsonRead.Get(room, "latitude")) is { } lat && JsonRead.Double(JsonRead.Get(room, "longitude")) is { } lon
            ? new GeoPoint(lat, lon)
            : null;

    /// <summary>A string field, with double-decoded UTF-8 (seen in the 2016 export) repaired.</summary>
    private static string? Str(JsonElement obj, string name, params string[] more) => ImportText.FixMojibake(JsonRead.Str(JsonRead.Get(obj, [name, .. more])));

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
