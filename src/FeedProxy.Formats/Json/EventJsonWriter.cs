using FeedProxy.Formats.Model;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Json;

/// <summary>The model back into the documented JSON format (admin reads, file-store writes, imports into the file store).</summary>
public static class EventJsonWriter
{
    public static EventJson FromModel(Event model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(model.TimeZone) ?? DateTimeZone.Utc;
        return new EventJson
        {
            Id = model.Id,
            Name = model.Name,
            Description = model.Description,
            Url = model.Url,
            TimeZone = model.TimeZone,
            Image = model.ImageUrl,
            Published = model.Published,
            Visibility = model.Visibility == EventVisibility.Private ? "private" : "public",
            LastModified = Utc(model.LastModified),
            Venue = model.Venue is { } v ? new VenueJson { Name = v.Name, Address = v.Address, Latitude = v.Geo?.Latitude, Longitude = v.Geo?.Longitude } : null,
            Tracks = [.. model.Tracks.Select(t => new TrackJson { Id = t.Id, Name = t.Name, Color = t.Color })],
            Rooms = [.. model.Rooms.Select(r => new RoomJson { Id = r.Id, Name = r.Name, Floor = r.Floor, Latitude = r.Geo?.Latitude, Longitude = r.Geo?.Longitude })],
            Speakers = [.. model.Speakers.Select(s => new SpeakerJson { Id = s.Id, Name = s.Name, Organisation = s.Organisation, Position = s.Position })],
            Sessions = [.. model.Sessions.Select(s => FromModel(s, zone))],
        };
    }

    public static SessionJson FromModel(Session session, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(zone);
        return new SessionJson
        {
            Id = session.Id,
            Title = session.Title,
            Subtitle = session.Subtitle,
            Abstract = session.Abstract,
            // Local time with offset: readable for organisers, unambiguous in DST overlaps.
            Start = Local(session.Start, zone),
            End = Local(session.End, zone),
            State = session.State.ToWireName(),
            Track = session.Track?.Id,
            Room = session.Room?.Id,
            Type = session.Type,
            Language = session.Language,
            Url = session.Url,
            Image = session.ImageUrl,
            StreamUrl = session.StreamUrl,
            VideoUrl = session.VideoUrl,
            SlidesUrl = session.SlidesUrl,
            Speakers = session.Speakers.Count == 0 ? null : [.. session.Speakers.Select(s => s.Id)],
            LastModified = Utc(session.LastModified),
            Revision = session.Revision,
            Recurrence = session.Recurrence is { } r ? FromModel(session, r, zone) : null,
        };
    }

    private static RecurrenceJson FromModel(Session series, Recurrence recurrence, DateTimeZone eventZone)
    {
        var zone = Recurring.RecurrenceExpander.ZoneOf(series, eventZone);
        string Local(Instant i) => OffsetDateTimePattern.ExtendedIso.Format(i.InZone(zone).ToOffsetDateTime());
        return new RecurrenceJson
        {
            Rules = [.. recurrence.Rules],
            Dates = recurrence.Dates.Count == 0 ? null : [.. recurrence.Dates.Select(Local)],
            ExceptionDates = recurrence.ExceptionDates.Count == 0 ? null : [.. recurrence.ExceptionDates.Select(Local)],
            Overrides = recurrence.Overrides.Count == 0
                ? null
                : [.. recurrence.Overrides.Select(o =>
                {
                    var instance = FromModel(o.Instance with { Recurrence = null }, zone);
                    instance.Id = null;
                    instance.RecurrenceId = Local(o.RecurrenceId);
                    return instance;
                })],
            TimeZone = recurrence.TimeZone,
        };
    }

    /// <summary>
    /// RFC 3339 §5.6 date-time: the offset always with minutes ("+01:00", "Z" for UTC), which
    /// NodaTime's ExtendedIso pattern shortens to "+01"; the schema and most readers need the full form.
    /// </summary>
    private static readonly OffsetDateTimePattern Rfc3339 =
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFFo<Z+HH:mm>");

    private static string Local(Instant instant, DateTimeZone zone) => Rfc3339.Format(instant.InZone(zone).ToOffsetDateTime());

    private static string Utc(Instant instant) => InstantPattern.ExtendedIso.Format(instant);
}
