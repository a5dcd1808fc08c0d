using System.Text.Json;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Import;

/// <summary>
/// frab / pretalx / c3voc <c>schedule.json</c>: <c>schedule.conference.days[].rooms{name: [events]}</c>,
/// and the c3voc "schedule v2" shape (<c>schedule.events[]</c> with ISO start/end beside
/// <c>conference.tracks/rooms</c>). A bare <c>{"conference": ...}</c> without the
/// <c>schedule</c> wrapper is accepted too.
/// <para>
/// Lenient on purpose: real frab and pretalx exports break the c3voc schema (acronym and slug
/// patterns, extra "answers"), ids come as numbers or strings, optional fields as null or "".
/// Only what a session cannot do without is an error: a title and a start time (an event
/// <c>date</c> with offset, or <c>start</c> "HH:MM" on its day in the conference's
/// <c>time_zone_name</c>, else <see cref="ImportOptions.TimeZone"/>).
/// </para>
/// </summary>
public sealed class ScheduleJsonImporter : IScheduleImporter
{
    public string Name => "schedule-json";

    public bool CanRead(string? contentType, ReadOnlySpan<byte> head) =>
        Sniff.Of(contentType) is Sniff.Family.Json or Sniff.Family.Unknown
        && Sniff.JsonHas(head, "schedule", "conference");

    public Event Import(Stream input, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        return ScheduleTime.InRange(() => ImportCore(input, options));
    }

    private static Event ImportCore(Stream input, ImportOptions options)
    {
        // Read twice in pieces (ScheduleJsonStream): a seekable input in place, others from a copy.
        using var copy = input.CanSeek ? null : new MemoryStream();
        if (copy is not null)
        {
            input.CopyTo(copy);
            input = copy;
        }

        var origin = copy is null ? input.Position : 0;
        var (document, spread) = ScheduleJsonStream.Skeleton(input, origin);
        using var skeleton = document;
        var root = skeleton.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ImportException($"Expected an object with a 'schedule', found {JsonRead.Kind(root)}.", "$");
        }

        var (schedule, prefix) = JsonRead.Get(root, "schedule") is { } wrapped
            ? (JsonRead.Object(wrapped, "schedule")!.Value, "schedule")
            : (root, "$");
        var conferencePath = prefix + ".conference";
        var conference = JsonRead.Object(JsonRead.Get(schedule, "conference"), conferencePath)
            ?? throw new ImportException("Missing: a schedule JSON document has a 'conference' object.", conferencePath);

        var name = ImportText.Line(JsonRead.Str(conference, "title")) ?? ImportText.Line(JsonRead.Str(conference, "acronym"))
            ?? throw new ImportException("Missing: the conference has no title.", conferencePath + ".title");
        var (zone, zoneId) = ZoneChoice.Choose(JsonRead.Str(conference, "time_zone_name"), options);
        var baseUri = ImportText.BaseUri(JsonRead.Str(schedule, "base_url"))
            ?? ImportText.BaseUri(JsonRead.Str(conference, "base_url"))
            ?? ImportText.BaseUri(JsonRead.Str(conference, "url"));
        // A timestamp-shaped "version" is the export time: better than the import time, and stable.
        var lastModified = ScheduleTime.Local(JsonRead.Str(schedule, "version")) is { } version && zone is not null
            ? version.InZoneLeniently(zone).ToInstant()
            : options.ImportedAt;
        var reader = new Reader(new ScheduleBuilder(), zone, baseUri, lastModified);

        var trackSlugs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var tracksPath = conferencePath + ".tracks";
        foreach (var track in JsonRead.Array(JsonRead.Get(conference, "tracks"), tracksPath))
        {
            var trackName = track.ValueKind == JsonValueKind.String ? JsonRead.Str(track) : JsonRead.Str(track, "name");
            var color = JsonRead.Str(track, "color") ?? (JsonRead.Get(track, "colors") is { } colors ? JsonRead.Str(colors, "light", "primary") : null);
            if (reader.Builder.Track(trackName, color) is { } registered && JsonRead.Str(track, "slug") is { } slug)
            {
                trackSlugs[slug] = registered.Name;
            }
        }

        reader.TrackSlugs = trackSlugs;
        foreach (var room in JsonRead.Array(JsonRead.Get(conference, "rooms"), conferencePath + ".rooms")
            .Concat(JsonRead.Array(JsonRead.Get(schedule, "rooms"), prefix + ".rooms")))
        {
            reader.Builder.Room(room.ValueKind == JsonValueKind.String ? JsonRead.Str(room) : JsonRead.Str(room, "name"));
        }

        // The skeleton has the days with their rooms, each room's events left out: checked
        // here, their events read from the input below.
        var dayChange = ScheduleTime.Clock(JsonRead.Str(conference, "day_change"));
        var days = new List<(LocalDate? Date, Duration? Start)>();
        foreach (var day in JsonRead.Array(JsonRead.Get(conference, "days"), conferencePath + ".days"))
        {
            var dayPath = $"{conferencePath}.days[{days.Count}]";
            if (day.ValueKind != JsonValueKind.Object)
            {
                throw new ImportException($"Expected an object, found {JsonRead.Kind(day)}.", dayPath);
            }

            var date = ScheduleTime.Date(JsonRead.Str(day, "date"));
            var dayStart = dayChange;
            if (dayStart is null && ScheduleTime.WithOffset(JsonRead.Str(day, "day_start", "start")) is { } startsAt)
            {
                var local = zone is null ? startsAt.LocalDateTime : startsAt.ToInstant().InZone(zone).LocalDateTime;
                dayStart = Duration.FromNanoseconds(local.TimeOfDay.NanosecondOfDay);
            }

            days.Add((date, dayStart));
            if (JsonRead.Object(JsonRead.Get(day, "rooms"), dayPath + ".rooms") is { } rooms)
            {
                foreach (var room in rooms.EnumerateObject())
                {
                    _ = JsonRead.Array(room.Value, dayPath + ".rooms" + JsonRead.Key(room.Name)).Any();
                }
            }
        }

        _ = JsonRead.Array(JsonRead.Get(schedule, "events"), prefix + ".events").Any();
        var isWrapped = prefix == "schedule";
        if (spread.Any)
        {
            // Version 1 events (days) before version 2 ones (events), in one pass when the document has them in that order.
            void Read(bool? version2) => ScheduleJsonStream.Items(input, origin, (at, item) =>
            {
                if (at.Wrapped != isWrapped || (version2 is { } v && at.IsVersion2 != v))
                {
                    return;
                }

                if (at.IsVersion2)
                {
                    var path = $"{prefix}.events[{at.Index}]";
                    ScheduleTime.InRange(() => reader.Version2(item, path), path);
                }
                else if (at.Day < days.Count)
                {
                    var path = $"{conferencePath}.days[{at.Day}].rooms{JsonRead.Key(at.Room!)}[{at.Index}]";
                    var (date, dayStart) = days[at.Day];
                    ScheduleTime.InRange(() => reader.Version1(item, path, at.Room!, date, dayStart), path);
                }
            });

            if (spread.InOrder)
            {
                Read(null);
            }
            else
            {
                Read(false);
                Read(true);
            }
        }

        zoneId ??= reader.Builder.ZoneFromOffsets()
            ?? throw new ImportException(ZoneChoice.Missing, conferencePath + ".time_zone_name");

        var header = new Event
        {
            Id = ScheduleBuilder.EventId(options, name, JsonRead.Str(conference, "acronym"), name),
            Name = name,
            Description = ImportText.Text(JsonRead.Str(conference, "description")) ?? ImportText.Text(JsonRead.Str(conference, "subtitle")),
            Url = ImportText.Url(JsonRead.Str(conference, "url")) ?? ImportText.Url(JsonRead.Str(schedule, "base_url")),
            TimeZone = zoneId,
            ImageUrl = ImportText.Url(JsonRead.Str(conference, "logo"), baseUri),
            LastModified = lastModified,
        };
        return reader.Builder.Build(header);
    }

    private sealed class Reader(ScheduleBuilder builder, DateTimeZone? zone, Uri? baseUri, Instant lastModified)
    {
        public ScheduleBuilder Builder { get; } = builder;

        public Dictionary<string, string> TrackSlugs { get; set; } = [];

        /// <summary>An event in days[].rooms{}: "date" with offset, else day date + "start".</summary>
        public void Version1(JsonElement item, string path, string roomKey, LocalDate? dayDate, Duration? dayStart)
        {
            Expect(item, path);
            var dateText = JsonRead.Str(item, "date");
            Instant start;
            if (ScheduleTime.WithOffset(dateText) is { } withOffset)
            {
                start = withOffset.ToInstant();
                Builder.SawOffset(withOffset.Offset);
            }
            else
            {
                var startText = JsonRead.Str(item, "start");
                var clock = ScheduleTime.Clock(startText)
                    ?? throw new ImportException($"'{Short(startText)}' is not a time (HH:MM) and 'date' has no offset.", path + ".start");
                var ownDate = ScheduleTime.Date(dateText);
                var date = ownDate ?? dayDate
                    ?? throw new ImportException("Neither the event nor its day has a date (yyyy-MM-dd).", path + ".date");
                if (zone is null)
                {
                    throw new ImportException(ZoneChoice.Missing, path + ".start");
                }

                if (ownDate is null && dayStart is { } ds && clock < ds)
                {
                    date = date.PlusDays(1);
                }

                start = date.AtMidnight().PlusSeconds((long)clock.TotalSeconds).InZoneLeniently(zone).ToInstant();
            }

            var end = start + Length(item, path);
            Add(item, path, start, end, JsonRead.Str(item, "room") ?? roomKey, JsonRead.Get(item, "persons"));
        }

        /// <summary>A v2 event: ISO "start" and "end" (or "duration"), room and track as objects or names.</summary>
        public void Version2(JsonElement item, string path)
        {
            Expect(item, path);
            var startText = JsonRead.Str(item, "start", "date");
            var start = ScheduleTime.Instant(startText, zone)
                ?? throw new ImportException(zone is null && ScheduleTime.Local(startText) is not null
                    ? ZoneChoice.Missing
                    : $"'{Short(startText)}' is not an ISO 8601 date-time.", path + ".start");
            if (ScheduleTime.WithOffset(startText) is { } withOffset)
            {
                Builder.SawOffset(withOffset.Offset);
            }

            var endText = JsonRead.Str(item, "end");
            var end = endText is null
                ? start + Length(item, path)
                : ScheduleTime.Instant(endText, zone) ?? throw new ImportException($"'{Short(endText)}' is not an ISO 8601 date-time.", path + ".end");
            if (end < start)
            {
                throw new ImportException("Ends before it starts.", path + ".end");
            }

            var room = JsonRead.Get(item, "room") is { } r ? (r.ValueKind == JsonValueKind.Object ? JsonRead.Str(r, "name") : JsonRead.Str(r)) : null;
            Add(item, path, start, end, room, JsonRead.Get(item, "participants", "persons"));
        }

        private void Add(JsonElement item, string path, Instant start, Instant end, string? roomName, JsonElement? persons)
        {
            var title = ImportText.Line(JsonRead.Str(item, "title"))
                ?? throw new ImportException("Missing: the event has no title.", path + ".title");

            var speakers = new List<Speaker>();
            foreach (var person in JsonRead.Array(persons, path + ".persons"))
            {
                var personName = person.ValueKind == JsonValueKind.String
                    ? JsonRead.Str(person)
                    : JsonRead.Str(person, "public_name", "name", "full_public_name", "full_name");
                var personId = JsonRead.Str(person, "guid", "id", "code");
                if (Builder.Speaker(personId, personName) is { } speaker)
                {
                    speakers.Add(speaker);
                }
            }

            var links = JsonRead.Array(JsonRead.Get(item, "links"), path + ".links")
                .Concat(JsonRead.Array(JsonRead.Get(item, "attachments"), path + ".attachments"))
                .Select(l => l.ValueKind == JsonValueKind.String
                    ? (JsonRead.Str(l), null, null)
                    : (JsonRead.Str(l, "url", "href"), JsonRead.Str(l, "title", "name"), JsonRead.Str(l, "type")))
                .ToList();
            var (video, stream, slides) = MediaLinks.Pick(links, baseUri);

            var track = JsonRead.Get(item, "track") is { } t
                ? (t.ValueKind == JsonValueKind.Object ? JsonRead.Str(t, "name") ?? Resolve(JsonRead.Str(t, "slug")) : JsonRead.Str(t))
                : null;
            var state = SessionState.Confirmed;
            if (JsonRead.Str(item, "state") is { } stateText && !SessionStateExtensions.TryParse(stateText, out state))
            {
                state = SessionState.Pending; // an unknown state is not published
            }

            Builder.Add(new Session
            {
                Id = Builder.SessionId($"{title}|{start}|{roomName}", JsonRead.Str(item, "guid"), JsonRead.Str(item, "id"), JsonRead.Str(item, "code"), JsonRead.Str(item, "slug")),
                Title = title,
                Subtitle = ImportText.Line(JsonRead.Str(item, "subtitle")),
                Abstract = ImportText.Combine(ImportText.Text(JsonRead.Str(item, "abstract")), ImportText.Text(JsonRead.Str(item, "description"))),
                Start = start,
                End = end,
                State = state,
                Track = Builder.Track(track),
                Room = Builder.Room(roomName),
                Type = ImportText.Line(JsonRead.Str(item, "type")),
                Language = ImportText.Line(JsonRead.Str(item, "language")),
                Url = ImportText.Url(JsonRead.Str(item, "url"), baseUri),
                ImageUrl = ImportText.ImageUrl(JsonRead.Str(item, "logo", "image"), baseUri),
                VideoUrl = video,
                StreamUrl = stream,
                SlidesUrl = slides,
                Speakers = speakers,
                LastModified = lastModified,
            });
        }

        private string? Resolve(string? slug) =>
            slug is not null && TrackSlugs.TryGetValue(slug, out var trackName) ? trackName : slug;

        private static Duration Length(JsonElement item, string path)
        {
            var text = JsonRead.Str(item, "duration");
            return string.IsNullOrWhiteSpace(text)
                ? Duration.Zero
                : ScheduleTime.Length(text) ?? throw new ImportException($"'{Short(text)}' is not a duration (HH:MM or D:HH:MM).", path + ".duration");
        }

        private static void Expect(JsonElement item, string path)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ImportException($"Expected an event object, found {JsonRead.Kind(item)}.", path);
            }
        }

        private static string Short(string? text) =>
            text is null ? string.Empty : text.Length <= 40 ? text : text[..40] + "…";
    }
}
