using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Formats.Json;

/// <summary>One session object (a plain session, a series, or an override merged onto its series) to the model.</summary>
internal sealed class SessionMapper(ReferenceMapper references, Instant eventModified, ValidationErrors errors)
{
    /// <summary>Longest a session may last; "elapsed time" so the bound does not move with DST.</summary>
    private static readonly Duration MaxDuration = Duration.FromDays(366);

    /// <returns>The session, or null when any of its fields is invalid (the problems are in the errors).</returns>
    public Session? Map(SessionJson s, string path, DateTimeZone zone)
    {
        var ok = true;
        var title = JsonFields.Line(s.Title);
        if (title is null) { errors.Add($"{path}.title", "Required."); ok = false; }

        var start = IsoInstant.Parse(s.Start, zone, $"{path}.start", errors.Sink);
        if (start is null && s.Start is null) { errors.Add($"{path}.start", "Required."); }

        var end = IsoInstant.Parse(s.End, zone, $"{path}.end", errors.Sink);
        if (end is null && s.End is null && start is { } st)
        {
            end = EndFromDuration(s.Duration, st, path);
        }

        if (start is { } a && end is { } b && b < a) { errors.Add($"{path}.end", "Must not be before start."); ok = false; }

        var state = SessionState.Confirmed;
        if (s.State is not null && !SessionStateExtensions.TryParse(s.State, out state))
        {
            errors.Add($"{path}.state", "Must be one of draft, pending, accepted, confirmed, rejected, withdrawn, cancelled.");
            ok = false;
        }

        Track? track = null;
        if (s.Track is not null && !references.Tracks.TryGetValue(s.Track, out track)) { errors.Add($"{path}.track", $"Unknown track '{s.Track}'."); ok = false; }
        Room? room = null;
        if (s.Room is not null && !references.Rooms.TryGetValue(s.Room, out room)) { errors.Add($"{path}.room", $"Unknown room '{s.Room}'."); ok = false; }
        var speakers = new List<Speaker>();
        foreach (var speakerId in s.Speakers ?? [])
        {
            if (references.Speakers.TryGetValue(speakerId, out var speaker)) { speakers.Add(speaker); }
            else { errors.Add($"{path}.speakers", $"Unknown speaker '{speakerId}'."); ok = false; }
        }

        if (s.Revision is < 0) { errors.Add($"{path}.revision", "Must not be negative."); ok = false; }
        var modified = IsoInstant.Parse(s.LastModified, zone, $"{path}.lastModified", errors.Sink) ?? eventModified;

        if (!ok || start is null || end is null || title is null)
        {
            return null;
        }

        return new Session
        {
            Id = s.Id!,
            Title = title,
            Subtitle = JsonFields.Line(s.Subtitle),
            Abstract = JsonFields.Text(s.Abstract),
            Start = start.Value,
            End = end.Value,
            State = state,
            Track = track,
            Room = room,
            Type = JsonFields.Line(s.Type),
            Language = JsonFields.Line(s.Language),
            Url = JsonFields.Url(s.Url, $"{path}.url", errors),
            ImageUrl = JsonFields.Url(s.Image, $"{path}.image", errors),
            StreamUrl = JsonFields.Url(s.StreamUrl, $"{path}.streamUrl", errors),
            VideoUrl = JsonFields.Url(s.VideoUrl, $"{path}.videoUrl", errors),
            SlidesUrl = JsonFields.Url(s.SlidesUrl, $"{path}.slidesUrl", errors),
            Speakers = speakers,
            LastModified = modified,
            Revision = s.Revision ?? 0,
        };
    }

    private Instant? EndFromDuration(string? text, Instant start, string path)
    {
        if (text is null)
        {
            errors.Add($"{path}.end", "Required (or give 'duration').");
            return null;
        }

        if (DurationText.Parse(text, DurationText.ThreeParts.HoursMinutesSeconds) is not { } duration)
        {
            errors.Add($"{path}.duration", "Must be an ISO 8601 duration ('PT45M') or 'hh:mm'.");
            return null;
        }

        if (duration < MaxDuration && ScheduleRange.Contains(start + duration))
        {
            return start + duration;
        }

        errors.Add($"{path}.duration", "Must be shorter than a year and end before 2200.");
        return null;
    }
}
