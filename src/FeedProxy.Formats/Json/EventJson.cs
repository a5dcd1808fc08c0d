using System.Text.Json.Serialization;

namespace FeedProxy.Formats.Json;

// The documented JSON format of an event (config/events/*.json, admin API bodies).
// Plain DTOs; EventJsonMapper turns them into the validated, sanitised model.
// Times: ISO 8601 with offset or "Z" ("2027-03-26T09:00:00+01:00"), or without offset,
// then read as local time in the event's time zone.

public sealed class EventJson
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Url { get; set; }
    public string? TimeZone { get; set; }
    public string? Image { get; set; }
    public bool? Published { get; set; }
    /// <summary>"public" (default) or "private".</summary>
    public string? Visibility { get; set; }
    public string? LastModified { get; set; }
    public VenueJson? Venue { get; set; }
    public List<TrackJson>? Tracks { get; set; }
    public List<RoomJson>? Rooms { get; set; }
    public List<SpeakerJson>? Speakers { get; set; }
    public List<SessionJson>? Sessions { get; set; }
}

public sealed class VenueJson
{
    public string? Name { get; set; }
    public string? Address { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
}

public sealed class TrackJson
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Color { get; set; }
}

public sealed class RoomJson
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public int? Floor { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
}

public sealed class SpeakerJson
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Organisation { get; set; }
    public string? Position { get; set; }
    /// <summary>Accepted for round-tripping organiser data; never rendered in any feed.</summary>
    public string? Email { get; set; }
}

public sealed class SessionJson
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Subtitle { get; set; }
    public string? Abstract { get; set; }
    public string? Start { get; set; }
    public string? End { get; set; }
    /// <summary>Alternative to <see cref="End"/>: ISO 8601 duration ("PT45M") or "hh:mm".</summary>
    public string? Duration { get; set; }
    public string? State { get; set; }
    /// <summary>Track id.</summary>
    public string? Track { get; set; }
    /// <summary>Room id.</summary>
    public string? Room { get; set; }
    public string? Type { get; set; }
    public string? Language { get; set; }
    public string? Url { get; set; }
    public string? Image { get; set; }
    public string? StreamUrl { get; set; }
    public string? VideoUrl { get; set; }
    public string? SlidesUrl { get; set; }
    /// <summary>Speaker ids.</summary>
    public List<string>? Speakers { get; set; }
    public string? LastModified { get; set; }
    public int? Revision { get; set; }
    /// <summary>How the session repeats; absent for a one-off session.</summary>
    public RecurrenceJson? Recurrence { get; set; }
    /// <summary>Only in <see cref="RecurrenceJson.Overrides"/>: the start the changed occurrence has under the rule.</summary>
    public string? RecurrenceId { get; set; }
}

/// <summary>
/// RFC 5545 recurrence of a session: RRULE texts, extra and removed starts (RDATE, EXDATE),
/// and changed occurrences. An override is a session object with "recurrenceId"; fields it
/// leaves out are the series' (start defaults to the recurrenceId, the length to the series').
/// </summary>
public sealed class RecurrenceJson
{
    /// <summary>RRULE values, e.g. "FREQ=WEEKLY;BYDAY=TU".</summary>
    public List<string>? Rules { get; set; }
    public List<string>? Dates { get; set; }
    public List<string>? ExceptionDates { get; set; }
    public List<SessionJson>? Overrides { get; set; }
    /// <summary>IANA zone the rule follows; times without offset are read in it. Default: the event's.</summary>
    public string? TimeZone { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(EventJson))]
[JsonSerializable(typeof(SessionJson))]
[JsonSerializable(typeof(SpeakerJson))]
[JsonSerializable(typeof(TrackJson))]
[JsonSerializable(typeof(RoomJson))]
[JsonSerializable(typeof(RecurrenceJson))]
public sealed partial class EventJsonContext : JsonSerializerContext
{
    /// <summary>
    /// For writing: the default encoder escapes HTML-sensitive characters, so an offset came out
    /// as "\u002B01:00". These documents are served as application/json and saved as files,
    /// never embedded in HTML, so only what JSON itself requires (RFC 8259 §7) is escaped.
    /// </summary>
    /// <remarks>Built on first use: static initialisers of partial classes run in no defined order, and this needs <see cref="Default"/>. A race builds two equal instances, which is harmless.</remarks>
    public static EventJsonContext Writer => s_writer ??= new EventJsonContext(
        new System.Text.Json.JsonSerializerOptions(Default.Options)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

    private static EventJsonContext? s_writer;
}
