using FeedProxy.Formats.Model;
using FeedProxy.Formats.Recurring;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Formats.Json;

/// <summary>
/// Turns <see cref="EventJson"/> into the model: validates every field, resolves track,
/// room and speaker references (<see cref="ReferenceMapper"/>), maps sessions
/// (<see cref="SessionMapper"/>) and their recurrence (<see cref="RecurrenceMapper"/>), and
/// passes every string through <see cref="TextSanitizer"/> and the address scrubber.
/// </summary>
public static class EventJsonMapper
{
    /// <param name="json">The document.</param>
    /// <param name="fallbackLastModified">Used where the document gives no lastModified (e.g. the file's write time).</param>
    /// <param name="expectedId">When set, the document's id must be absent or equal to it.</param>
    /// <exception cref="EventValidationException">Any field is invalid; all problems are reported at once.</exception>
    public static Event ToModel(EventJson json, Instant fallbackLastModified, string? expectedId = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new ValidationErrors();

        var id = json.Id ?? expectedId;
        if (!ScheduleId.IsValid(id))
        {
            errors.Add("id", "Required: " + ScheduleId.Rule);
        }
        else if (expectedId is not null && !string.Equals(id, expectedId, StringComparison.Ordinal))
        {
            errors.Add("id", $"Must match the event id '{expectedId}'.");
        }

        var name = JsonFields.Line(json.Name);
        if (name is null)
        {
            errors.Add("name", "Required.");
        }

        var zoneId = json.TimeZone?.Trim();
        var zone = zoneId is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        if (zone is null)
        {
            errors.Add("timeZone", "Required: an IANA time zone id such as 'Europe/Brussels'.");
        }

        zone ??= DateTimeZone.Utc;
        var eventModified = IsoInstant.Parse(json.LastModified, zone, "lastModified", errors.Sink) ?? fallbackLastModified;
        var visibility = Visibility(json.Visibility, errors);
        var venue = Venue(json.Venue, errors);
        var references = ReferenceMapper.Map(json, errors);
        var sessions = Sessions(json.Sessions, new SessionMapper(references, eventModified, errors), zone, errors);

        var eventUrl = JsonFields.Url(json.Url, "url", errors);
        var image = JsonFields.Url(json.Image, "image", errors);
        if (errors.Any)
        {
            throw errors.ToException();
        }

        return new Event
        {
            Id = id!,
            Name = name!,
            Description = JsonFields.Text(json.Description),
            Url = eventUrl,
            TimeZone = zoneId!,
            Venue = venue,
            ImageUrl = image,
            Published = json.Published ?? true,
            Visibility = visibility,
            LastModified = eventModified,
            Tracks = [.. references.Tracks.Values],
            Rooms = [.. references.Rooms.Values],
            Speakers = [.. references.Speakers.Values],
            Sessions = sessions,
        };
    }

    private static EventVisibility Visibility(string? text, ValidationErrors errors)
    {
        if (text is null || string.Equals(text, "public", StringComparison.OrdinalIgnoreCase))
        {
            return EventVisibility.Public;
        }

        if (string.Equals(text, "private", StringComparison.OrdinalIgnoreCase))
        {
            return EventVisibility.Private;
        }

        errors.Add("visibility", "Must be 'public' or 'private'.");
        return EventVisibility.Public;
    }

    private static Venue? Venue(VenueJson? json, ValidationErrors errors)
    {
        if (json is null)
        {
            return null;
        }

        var venueName = JsonFields.Line(json.Name);
        if (venueName is null)
        {
            errors.Add("venue.name", "Required when a venue is given.");
            return null;
        }

        return new Venue
        {
            Name = venueName,
            Address = JsonFields.Line(json.Address),
            Geo = JsonFields.Geo(json.Latitude, json.Longitude, "venue", errors),
        };
    }

    private static List<Session> Sessions(List<SessionJson>? items, SessionMapper mapper, DateTimeZone zone, ValidationErrors errors)
    {
        var sessions = new List<Session>(items?.Count ?? 0);
        var sessionIds = new HashSet<string>(StringComparer.Ordinal);
        var recurrences = new RecurrenceMapper(mapper, zone, new ExpansionBudget(RecurrenceLimits.Validation), errors);
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var s = items![i];
            var path = $"sessions[{i}]";
            var ok = true;
            if (!ScheduleId.IsValid(s.Id)) { errors.Add($"{path}.id", "Required: a valid id."); ok = false; }
            else if (!sessionIds.Add(s.Id)) { errors.Add($"{path}.id", $"Duplicate session id '{s.Id}'."); ok = false; }

            if (s.RecurrenceId is not null) { errors.Add($"{path}.recurrenceId", "Allowed only in recurrence.overrides."); ok = false; }

            // Times of a series without an offset are wall-clock times of the series' zone.
            var sessionZone = s.Recurrence?.TimeZone is { } rz && DateTimeZoneProviders.Tzdb.GetZoneOrNull(rz.Trim()) is { } seriesZone
                ? seriesZone
                : zone;
            var session = mapper.Map(s, path, sessionZone);
            if (session is not null && s.Recurrence is { } recurrence)
            {
                session = recurrences.Map(session, s, recurrence, $"{path}.recurrence", sessionZone);
            }

            if (ok && session is not null)
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }
}
