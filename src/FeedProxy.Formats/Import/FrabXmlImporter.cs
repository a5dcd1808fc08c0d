using System.Xml;
using System.Xml.Linq;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Formats.Import;

/// <summary>
/// frab / pentabarf / pretalx schedule XML (c3voc schedule.xml.xsd, media type
/// application/vnd.c3voc.schedule+xml): <c>schedule/conference</c>, then <c>day/room/event</c>,
/// or <c>day/event</c> in pentabarf's oldest layout (FOSDEM 2007).
/// <list type="bullet">
/// <item>Times: an event's <c>&lt;date&gt;</c> with offset wins (38C3 gives the conference
/// start in UTC but event dates in +01:00). Otherwise <c>day@date</c> + <c>&lt;start&gt;</c> as
/// local time in <c>time_zone_name</c>, else <see cref="ImportOptions.TimeZone"/>; a start before
/// the conference's <c>day_change</c> (or the day's own start) belongs to the next date, since
/// congress days run past midnight.</item>
/// <item>Files with offsets but no zone name (31C3) get a fixed-offset zone ("Etc/GMT-1")
/// unless the caller passes one.</item>
/// <item>Ids: session = event guid, else id, else slug; speaker = person guid, else id, else name.</item>
/// </list>
/// Elements are matched by local name, so a default namespace does not matter. DTDs are refused
/// (no entity expansion, no external fetches).
/// </summary>
public sealed class FrabXmlImporter : IScheduleImporter
{
    public string Name => "frab-xml";

    public bool CanRead(string? contentType, ReadOnlySpan<byte> head) =>
        Sniff.Of(contentType) is Sniff.Family.Xml or Sniff.Family.Unknown
        && string.Equals(Sniff.XmlRoot(head), "schedule", StringComparison.Ordinal);

    public Event Import(Stream input, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        return ScheduleTime.InRange(() => ImportCore(input, options));
    }

    private static Event ImportCore(Stream input, ImportOptions options)
    {
        var root = Load(input, options.Limits).Root!;
        if (root.Name.LocalName != "schedule")
        {
            throw new ImportException($"The root element is <{root.Name.LocalName}>; a frab schedule starts with <schedule>.", root.Name.LocalName, LineOf(root));
        }

        var conference = Child(root, "conference");
        var name = ImportText.Line(Value(conference, "title")) ?? ImportText.Line(Value(conference, "acronym"))
            ?? throw new ImportException("The conference has no title.", "schedule/conference/title", LineOf(conference ?? root));
        var (zone, zoneId) = ZoneChoice.Choose(Value(conference, "time_zone_name"), options);
        var baseUri = ImportText.BaseUri(Value(conference, "base_url")) ?? ImportText.BaseUri(Value(conference, "url"));
        var dayChange = ScheduleTime.Clock(Value(conference, "day_change"));

        // frab writes the export time as <version> ("2025-03-04 21:21") in some exports: a better
        // LastModified than the import time, and stable across re-imports of the same file.
        var lastModified = ScheduleTime.Local(Value(root, "version")) is { } version && zone is not null
            ? version.InZoneLeniently(zone).ToInstant()
            : options.ImportedAt;
        var builder = new ScheduleBuilder();
        var trackLists = new[] { conference, Child(root, "tracks"), Child(conference, "tracks") };
        foreach (var track in trackLists.Where(t => t is not null).SelectMany(t => t!.Elements().Where(e => e.Name.LocalName == "track")))
        {
            builder.Track((string?)track.Attribute("name") ?? track.Value, (string?)track.Attribute("color"));
        }

        var dayNumber = 0;
        foreach (var day in root.Elements().Where(e => e.Name.LocalName == "day"))
        {
            dayNumber++;
            var dayDate = ScheduleTime.Date((string?)day.Attribute("date"));
            Duration? dayStart = dayChange;
            if (dayStart is null && ScheduleTime.WithOffset((string?)day.Attribute("start")) is { } startAttribute)
            {
                var local = zone is null ? startAttribute.LocalDateTime : startAttribute.ToInstant().InZone(zone).LocalDateTime;
                dayStart = Duration.FromNanoseconds(local.TimeOfDay.NanosecondOfDay);
            }

            var context = new DayContext(dayDate, dayStart, zone, baseUri, LineOf(day), lastModified);
            var eventNumber = 0;
            foreach (var (element, roomName) in EventsOf(day))
            {
                eventNumber++;
                var path = $"schedule/day[{dayNumber}]/{(roomName is null ? "" : $"room[@name='{roomName}']/")}event[{eventNumber}]";
                try
                {
                    builder.Add(ReadEvent(element, roomName, path, context, builder));
                }
                catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
                {
                    throw new ImportException(ScheduleTime.OutOfRange, path, LineOf(element), null, e);
                }
            }
        }

        zoneId ??= builder.ZoneFromOffsets()
            ?? throw new ImportException(ZoneChoice.Missing, "schedule/conference/time_zone_name", LineOf(conference ?? root));

        var venueName = ImportText.Line(Value(conference, "venue"));
        var city = ImportText.Line(Value(conference, "city"));
        var header = new Event
        {
            Id = ScheduleBuilder.EventId(options, name, Value(conference, "acronym"), name),
            Name = name,
            Description = ImportText.Text(Value(conference, "subtitle")) ?? ImportText.Text(Value(conference, "description")),
            Url = ImportText.Url(Value(conference, "url")) ?? ImportText.Url(Value(conference, "base_url")),
            TimeZone = zoneId,
            Venue = venueName is null && city is null ? null : new Venue { Name = venueName ?? city!, Address = venueName is null ? null : city },
            ImageUrl = ImportText.Url(Value(conference, "logo"), baseUri),
            LastModified = lastModified,
        };
        return builder.Build(header);
    }

    private sealed record DayContext(LocalDate? Date, Duration? DayStart, DateTimeZone? Zone, Uri? BaseUri, int? Line, Instant LastModified);

    private static Session ReadEvent(XElement element, string? roomName, string path, DayContext day, ScheduleBuilder builder)
    {
        var line = LineOf(element);
        var title = ImportText.Line(Value(element, "title"))
            ?? throw new ImportException("The event has no title.", path + "/title", line);

        var dateText = Value(element, "date");
        Instant start;
        if (ScheduleTime.WithOffset(dateText) is { } withOffset)
        {
            start = withOffset.ToInstant();
            builder.SawOffset(withOffset.Offset);
        }
        else
        {
            var startText = Value(element, "start");
            var clock = ScheduleTime.Clock(startText)
                ?? throw new ImportException($"'{Short(startText)}' is not a time (HH:MM).", path + "/start", LineOf(Child(element, "start") ?? element));
            var ownDate = ScheduleTime.Date(dateText);
            var date = ownDate ?? day.Date
                ?? throw new ImportException("The day has no date attribute (yyyy-MM-dd).", path, day.Line);
            if (day.Zone is null)
            {
                throw new ImportException(ZoneChoice.Missing, path + "/start", line);
            }

            if (ownDate is null && day.DayStart is { } dayStart && clock < dayStart)
            {
                date = date.PlusDays(1); // after midnight, still the same congress day
            }

            start = date.AtMidnight().PlusSeconds((long)clock.TotalSeconds).InZoneLeniently(day.Zone).ToInstant();
        }

        var durationText = Value(element, "duration");
        var duration = string.IsNullOrWhiteSpace(durationText)
            ? Duration.Zero
            : ScheduleTime.Length(durationText)
                ?? throw new ImportException($"'{Short(durationText)}' is not a duration (HH:MM or D:HH:MM).", path + "/duration", LineOf(Child(element, "duration") ?? element));

        var guid = (string?)element.Attribute("guid");
        var sourceId = (string?)element.Attribute("id");
        var slug = Value(element, "slug");
        var speakers = new List<Speaker>();
        foreach (var person in Child(element, "persons")?.Elements().Where(e => e.Name.LocalName == "person") ?? [])
        {
            var personName = person.HasElements ? Value(person, "public_name") ?? Value(person, "name") : person.Value;
            var personId = (string?)person.Attribute("guid") ?? (string?)person.Attribute("id");
            if (builder.Speaker(personId, personName) is { } speaker)
            {
                speakers.Add(speaker);
            }
        }

        var links = (Child(element, "links")?.Elements() ?? [])
            .Concat(Child(element, "attachments")?.Elements() ?? [])
            .Select(l => ((string?)l.Attribute("href"), (string?)l.Value, (string?)((string?)l.Attribute("type") ?? l.Name.LocalName)));
        var (video, stream, slides) = MediaLinks.Pick(links, day.BaseUri);

        return new Session
        {
            Id = builder.SessionId($"{title}|{start}|{Value(element, "room") ?? roomName}", guid, sourceId, slug),
            Title = title,
            Subtitle = ImportText.Line(Value(element, "subtitle")),
            Abstract = ImportText.Combine(ImportText.Text(Value(element, "abstract")), ImportText.Text(Value(element, "description"))),
            Start = start,
            End = start + duration,
            Track = builder.Track(Value(element, "track")),
            Room = builder.Room(Value(element, "room") ?? roomName),
            Type = ImportText.Line(Value(element, "type")),
            Language = ImportText.Line(Value(element, "language")),
            Url = ImportText.Url(Value(element, "url"), day.BaseUri),
            ImageUrl = ImportText.ImageUrl(Value(element, "logo"), day.BaseUri),
            VideoUrl = video,
            StreamUrl = stream,
            SlidesUrl = slides,
            Speakers = speakers,
            LastModified = day.LastModified,
        };
    }

    /// <summary>Events in document order with their enclosing room's name (null in the day/event layout).</summary>
    private static IEnumerable<(XElement Event, string? Room)> EventsOf(XElement day)
    {
        foreach (var child in day.Elements())
        {
            if (child.Name.LocalName == "event")
            {
                yield return (child, null);
            }
            else if (child.Name.LocalName == "room")
            {
                var room = ImportText.Line((string?)child.Attribute("name"));
                foreach (var e in child.Elements().Where(e => e.Name.LocalName == "event"))
                {
                    yield return (e, room);
                }
            }
        }
    }

    private static XDocument Load(Stream input, ImportLimits limits)
    {
        // XDocument builds its tree recursively: 200,000 nested elements overflow the stack
        // (which ends the process, no catch can help) and long nesting costs O(n^2). A
        // streaming pass measures depth and element count first, iteratively.
        var seekable = input.CanSeek ? input : Buffered(input);
        var start = seekable.Position;
        Measure(seekable, limits);
        seekable.Position = start;
        input = seekable;
        var settings = SafeXml.ReaderSettings();
        try
        {
            using var reader = XmlReader.Create(input, settings);
            var document = XDocument.Load(reader, LoadOptions.SetLineInfo);
            return document.Root is null ? throw new ImportException("The document has no root element.") : document;
        }
        catch (XmlException e)
        {
            // Some reader errors (a prohibited DTD) carry no position: line 0.
            throw new ImportException("Not well-formed XML: " + e.Message, null, e.LineNumber > 0 ? e.LineNumber : null, e.LineNumber > 0 ? e.LinePosition : null, e);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new ImportException("The XML is not valid in its declared encoding.", e);
        }
    }

    private static void Measure(Stream input, ImportLimits limits)
    {
        var settings = SafeXml.ReaderSettings(ignoreWhitespace: true);
        try
        {
            using var reader = XmlReader.Create(input, settings);
            var elements = 0;
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                var line = reader is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : (int?)null;
                if (reader.Depth >= limits.MaxXmlDepth)
                {
                    throw new ImportException($"The XML nests elements deeper than the limit of {limits.MaxXmlDepth} levels.", reader.LocalName, line);
                }

                if (++elements > limits.MaxXmlElements)
                {
                    throw new ImportException($"The XML has more elements than the limit of {limits.MaxXmlElements:N0}.", reader.LocalName, line);
                }
            }
        }
        catch (XmlException e)
        {
            throw new ImportException("Not well-formed XML: " + e.Message, null, e.LineNumber > 0 ? e.LineNumber : null, e.LineNumber > 0 ? e.LinePosition : null, e);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new ImportException("The XML is not valid in its declared encoding.", e);
        }
    }

    private static MemoryStream Buffered(Stream input)
    {
        var buffer = new MemoryStream();
        input.CopyTo(buffer);
        buffer.Position = 0;
        return buffer;
    }

    private static XElement? Child(XElement? parent, string name) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    /// <summary>Text of the child element, null when absent or empty.</summary>
    private static string? Value(XElement? parent, string name) =>
        Child(parent, name) is { } child && child.Value.Length > 0 ? child.Value : null;

    private static int? LineOf(XElement element) =>
        element is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;

    private static string Short(string? text) =>
        text is null ? string.Empty : text.Length <= 40 ? text : text[..40] + "…";
}
