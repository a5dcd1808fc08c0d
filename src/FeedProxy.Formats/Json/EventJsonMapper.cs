using System.Globalization;
using System.Text.RegularExpressions;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Json;

/// <summary>Validation failures keyed by JSON path ("sessions[3].start"), as ValidationProblem wants them.</summary>
public sealed class EventValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The event document is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>
/// Turns <see cref="EventJson"/> into the model: validates every field, resolves track,
/// room and speaker references, and passes every string through <see cref="TextSanitizer"/>.
/// </summary>
public static partial class EventJsonMapper
{
    private static readonly OffsetDateTimePattern OffsetPattern = OffsetDateTimePattern.ExtendedIso;
    private static readonly LocalDateTimePattern LocalPattern = LocalDateTimePattern.ExtendedIso;
    private static readonly OffsetDateTimePattern OffsetMinutesPattern = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>");
    private static readonly LocalDateTimePattern LocalMinutesPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm");

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColorPattern();

    /// <summary>True for ids usable in URLs and UIDs: 1-128 of [A-Za-z0-9._-], not starting with a dot or dash.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <param name="json">The document.</param>
    /// <param name="fallbackLastModified">Used where the document gives no lastModified (e.g. the file's write time).</param>
    /// <param name="expectedId">When set, the document's id must be absent or equal to it.</param>
    /// <exception cref="EventValidationException">Any field is invalid; all problems are reported at once.</exception>
    public static Event ToModel(EventJson json, Instant fallbackLastModified, string? expectedId = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Error(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        var id = json.Id ?? expectedId;
        if (!IsValidId(id))
        {
            Error("id", "Required: 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        else if (expectedId is not null && !string.Equals(id, expectedId, StringComparison.Ordinal))
        {
            Error("id", $"Must match the event id '{expectedId}'.");
        }

        var name = CleanLine(json.Name);
        if (name is null)
        {
            Error("name", "Required.");
        }

        var zoneId = json.TimeZone?.Trim();
        var zone = zoneId is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        if (zone is null)
        {
            Error("timeZone", "Required: an IANA time zone id such as 'Europe/Brussels'.");
        }

        zone ??= DateTimeZone.Utc;
        var eventModified = ParseInstant(json.LastModified, zone, "lastModified", Error) ?? fallbackLastModified;

        var visibility = EventVisibility.Public;
        if (json.Visibility is not null)
        {
            if (string.Equals(json.Visibility, "private", StringComparison.OrdinalIgnoreCase))
            {
                visibility = EventVisibility.Private;
            }
            else if (!string.Equals(json.Visibility, "public", StringComparison.OrdinalIgnoreCase))
            {
                Error("visibility", "Must be 'public' or 'private'.");
            }
        }

        Venue? venue = null;
        if (json.Venue is { } v)
        {
            var venueName = CleanLine(v.Name);
            if (venueName is null)
            {
                Error("venue.name", "Required when a venue is given.");
            }
            else
            {
                venue = new Venue
                {
                    Name = venueName,
                    Address = CleanLine(v.Address),
                    Geo = Geo(v.Latitude, v.Longitude, "venue", Error),
                };
            }
        }

        var tracks = new Dictionary<string, Track>(StringComparer.Ordinal);
        for (var i = 0; i < (json.Tracks?.Count ?? 0); i++)
        {
            var t = json.Tracks![i];
            var path = $"tracks[{i}]";
            var trackName = CleanLine(t.Name);
            var trackId = t.Id ?? (trackName is null ? null : Slug.From(trackName));
            if (!IsValidId(trackId)) { Error($"{path}.id", "Required: a valid id."); continue; }
            if (trackName is null) { Error($"{path}.name", "Required."); continue; }
            if (t.Color is not null && !ColorPattern().IsMatch(t.Color.Trim())) { Error($"{path}.color", "Must be '#rrggbb'."); }
            if (!tracks.TryAdd(trackId!, new Track { Id = trackId!, Name = trackName, Color = t.Color?.Trim().ToUpperInvariant() }))
            {
                Error($"{path}.id", $"Duplicate track id '{trackId}'.");
            }
        }

        var rooms = new Dictionary<string, Room>(StringComparer.Ordinal);
        for (var i = 0; i < (json.Rooms?.Count ?? 0); i++)
        {
            var r = json.Rooms![i];
            var path = $"rooms[{i}]";
            var roomName = CleanLine(r.Name);
            var roomId = r.Id ?? (roomName is null ? null : Slug.From(roomName));
            if (!IsValidId(roomId)) { Error($"{path}.id", "Required: a valid id."); continue; }
            if (roomName is null) { Error($"{path}.name", "Required."); continue; }
            var room = new Room { Id = roomId!, Name = roomName, Floor = r.Floor, Geo = Geo(r.Latitude, r.Longitude, path, Error) };
            if (!rooms.TryAdd(roomId!, room)) { Error($"{path}.id", $"Duplicate room id '{roomId}'."); }
        }

        var speakers = new Dictionary<string, Speaker>(StringComparer.Ordinal);
        for (var i = 0; i < (json.Speakers?.Count ?? 0); i++)
        {
            var s = json.Speakers![i];
            var path = $"speakers[{i}]";
            var speakerName = CleanLine(s.Name);
            if (!IsValidId(s.Id)) { Error($"{path}.id", "Required: a valid id."); continue; }
            if (speakerName is null) { Error($"{path}.name", "Required."); continue; }
            var speaker = new Speaker
            {
                Id = s.Id!,
                Name = speakerName,
                Organisation = CleanLine(s.Organisation),
                Position = CleanLine(s.Position),
            };
            if (!speakers.TryAdd(s.Id!, speaker)) { Error($"{path}.id", $"Duplicate speaker id '{s.Id}'."); }
        }

        Session? MapSession(SessionJson s, string path, DateTimeZone sessionZone)
        {
            var ok = true;
            var title = CleanLine(s.Title);
            if (title is null) { Error($"{path}.title", "Required."); ok = false; }

            var start = ParseInstant(s.Start, sessionZone, $"{path}.start", Error);
            if (start is null && s.Start is null) { Error($"{path}.start", "Required."); }

            Instant? end = ParseInstant(s.End, sessionZone, $"{path}.end", Error);
            if (end is null && s.End is null && start is { } st)
            {
                if (s.Duration is null) { Error($"{path}.end", "Required (or give 'duration')."); }
                else if (ParseDuration(s.Duration) is { } d && d < Duration.FromDays(366) && IsInSupportedRange(st + d)) { end = st + d; }
                else if (ParseDuration(s.Duration) is not null) { Error($"{path}.duration", "Must be shorter than a year and end before 2200."); }
                else { Error($"{path}.duration", "Must be an ISO 8601 duration ('PT45M') or 'hh:mm'."); }
            }

            if (start is { } a && end is { } b && b < a) { Error($"{path}.end", "Must not be before start."); ok = false; }

            var state = SessionState.Confirmed;
            if (s.State is not null && !SessionStateExtensions.TryParse(s.State, out state))
            {
                Error($"{path}.state", "Must be one of draft, pending, accepted, confirmed, rejected, withdrawn, cancelled.");
                ok = false;
            }

            Track? track = null;
            if (s.Track is not null && !tracks.TryGetValue(s.Track, out track)) { Error($"{path}.track", $"Unknown track '{s.Track}'."); ok = false; }
            Room? room = null;
            if (s.Room is not null && !rooms.TryGetValue(s.Room, out room)) { Error($"{path}.room", $"Unknown room '{s.Room}'."); ok = false; }
            var sessionSpeakers = new List<Speaker>();
            foreach (var speakerId in s.Speakers ?? [])
            {
                if (speakers.TryGetValue(speakerId, out var sp)) { sessionSpeakers.Add(sp); }
                else { Error($"{path}.speakers", $"Unknown speaker '{speakerId}'."); ok = false; }
            }

            if (s.Revision is < 0) { Error($"{path}.revision", "Must not be negative."); ok = false; }
            var modified = ParseInstant(s.LastModified, sessionZone, $"{path}.lastModified", Error) ?? eventModified;

            if (!ok || start is null || end is null || title is null)
            {
                return null;
            }

            return new Session
            {
                Id = s.Id!,
                Title = title,
                Subtitle = CleanLine(s.Subtitle),
                Abstract = CleanText(s.Abstract),
                Start = start.Value,
                End = end.Value,
                State = state,
                Track = track,
                Room = room,
                Type = CleanLine(s.Type),
                Language = CleanLine(s.Language),
                Url = Url(s.Url, $"{path}.url", Error),
                ImageUrl = Url(s.Image, $"{path}.image", Error),
                StreamUrl = Url(s.StreamUrl, $"{path}.streamUrl", Error),
                VideoUrl = Url(s.VideoUrl, $"{path}.videoUrl", Error),
                SlidesUrl = Url(s.SlidesUrl, $"{path}.slidesUrl", Error),
                Speakers = sessionSpeakers,
                LastModified = modified,
                Revision = s.Revision ?? 0,
            };
        }

        var sessions = new List<Session>(json.Sessions?.Count ?? 0);
        var sessionIds = new HashSet<string>(StringComparer.Ordinal);
        // One budget for the whole document: checking overrides against their rules costs a
        // bounded amount of work however many hostile series a document holds.
        var validationBudget = new Recurring.ExpansionBudget(ValidationLimits);
        for (var i = 0; i < (json.Sessions?.Count ?? 0); i++)
        {
            var s = json.Sessions![i];
            var path = $"sessions[{i}]";
            var ok = true;
            if (!IsValidId(s.Id)) { Error($"{path}.id", "Required: a valid id."); ok = false; }
            else if (!sessionIds.Add(s.Id!)) { Error($"{path}.id", $"Duplicate session id '{s.Id}'."); ok = false; }

            if (s.RecurrenceId is not null) { Error($"{path}.recurrenceId", "Allowed only in recurrence.overrides."); ok = false; }

            // Times of a series without an offset are wall-clock times of the series' zone.
            var sessionZone = s.Recurrence?.TimeZone is { } rz && DateTimeZoneProviders.Tzdb.GetZoneOrNull(rz.Trim()) is { } seriesZone
                ? seriesZone
                : zone;
            var session = MapSession(s, path, sessionZone);
            if (session is not null && s.Recurrence is { } recurrence)
            {
                session = Recurrence(session, s, recurrence, $"{path}.recurrence", sessionZone, zone, MapSession, Error, validationBudget);
            }

            if (ok && session is not null)
            {
                sessions.Add(session);
            }
        }

        var eventUrl = Url(json.Url, "url", Error);
        var image = Url(json.Image, "image", Error);
        if (errors.Count > 0)
        {
            throw new EventValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }

        return new Event
        {
            Id = id!,
            Name = name!,
            Description = CleanText(json.Description),
            Url = eventUrl,
            TimeZone = zoneId!,
            Venue = venue,
            ImageUrl = image,
            Published = json.Published ?? true,
            Visibility = visibility,
            LastModified = eventModified,
            Tracks = [.. tracks.Values],
            Rooms = [.. rooms.Values],
            Speakers = [.. speakers.Values],
            Sessions = sessions,
        };
    }

    /// <summary>
    /// Earliest instant a schedule may name (inclusive). Schedules are about the present; the
    /// calendar's ends (year 1, 9999 in UTC+14) overflow time-zone arithmetic in every writer
    /// and in PostgreSQL round trips, so every write path refuses them here.
    /// </summary>
    public static readonly Instant EarliestInstant = Instant.FromUtc(1900, 1, 1, 0, 0);

    /// <summary>Latest instant a schedule may name (exclusive).</summary>
    public static readonly Instant LatestInstant = Instant.FromUtc(2200, 1, 1, 0, 0);

    /// <summary>True when <paramref name="instant"/> lies in [<see cref="EarliestInstant"/>, <see cref="LatestInstant"/>).</summary>
    public static bool IsInSupportedRange(Instant instant) => instant >= EarliestInstant && instant < LatestInstant;

    internal static readonly Recurring.RecurrenceLimits ValidationLimits = new()
    {
        MaxOccurrencesPerSession = 100_000,
        MaxOccurrencesPerFeed = int.MaxValue,
        MaxStepsPerSession = 1_000_000,
        MaxStepsPerFeed = 4_000_000,
    };

    /// <summary>
    /// The series' starts (rules and dates, exception dates ignored) from the earliest to the
    /// latest recurrenceId its overrides name: one expansion for all of them.
    /// </summary>
    private static HashSet<Instant> SeriesStarts(
        Session series, List<SessionJson> overrides, DateTimeZone seriesZone, DateTimeZone eventZone, Recurring.ExpansionBudget budget)
    {
        var ids = overrides
            .Select(o => ParseInstant(o.RecurrenceId, seriesZone, string.Empty, static (_, _) => { }))
            .OfType<Instant>()
            .ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var rule = series with { Recurrence = series.Recurrence! with { ExceptionDates = [] } };
        return [.. Recurring.RecurrenceExpander.Starts(rule, eventZone, ids.Min(), ids.Max() + Duration.Epsilon, budget)];
    }

    /// <summary>Most rules, dates, exception dates and overrides one session may carry.</summary>
    public const int MaxRecurrenceRules = 8;
    public const int MaxRecurrenceItems = 1000;

    /// <summary>
    /// Validates a session's recurrence: rules per RFC 5545 §3.3.10 (stored in canonical form),
    /// dates, and overrides, each of which must name a start the series actually has (a
    /// RECURRENCE-ID that matches nothing is ignored or misread by clients).
    /// </summary>
    private static Session? Recurrence(
        Session series, SessionJson json, RecurrenceJson recurrence, string path, DateTimeZone seriesZone, DateTimeZone eventZone,
        Func<SessionJson, string, DateTimeZone, Session?> mapSession, Action<string, string> error, Recurring.ExpansionBudget budget)
    {
        var ok = true;
        string? zoneId = null;
        if (recurrence.TimeZone is { } tz)
        {
            zoneId = tz.Trim();
            if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is null) { error($"{path}.timeZone", "Must be an IANA time zone id such as 'Europe/Brussels'."); ok = false; }
        }

        var rules = new List<string>();
        var ruleTexts = recurrence.Rules ?? [];
        if (ruleTexts.Count > MaxRecurrenceRules) { error($"{path}.rules", $"At most {MaxRecurrenceRules} rules."); ok = false; }
        for (var i = 0; i < Math.Min(ruleTexts.Count, MaxRecurrenceRules); i++)
        {
            if (Recurring.RecurrenceRule.TryParse(ruleTexts[i], out var rule, out var problem)) { rules.Add(rule!.ToString()); }
            else { error($"{path}.rules[{i}]", problem!); ok = false; }
        }

        List<Instant> Instants(List<string>? texts, string field)
        {
            var list = new SortedSet<Instant>();
            if (texts is null)
            {
                return [];
            }

            if (texts.Count > MaxRecurrenceItems) { error($"{path}.{field}", $"At most {MaxRecurrenceItems} entries."); ok = false; return []; }
            for (var i = 0; i < texts.Count; i++)
            {
                if (ParseInstant(texts[i], seriesZone, $"{path}.{field}[{i}]", error) is { } instant) { list.Add(instant); }
                else { ok = false; }
            }

            return [.. list];
        }

        var dates = Instants(recurrence.Dates, "dates");
        var exceptionDates = Instants(recurrence.ExceptionDates, "exceptionDates");
        if (rules.Count == 0 && dates.Count == 0 && ok)
        {
            error($"{path}.rules", "A recurrence needs at least one rule or date.");
            ok = false;
        }

        var model = new Recurrence { Rules = rules, Dates = dates, ExceptionDates = exceptionDates, TimeZone = zoneId };
        var withRule = series with { Recurrence = model };
        var overrides = new List<RecurrenceOverride>();
        var seen = new HashSet<Instant>();
        HashSet<Instant>? starts = null;
        var overrideTexts = recurrence.Overrides ?? [];
        if (overrideTexts.Count > MaxRecurrenceItems) { error($"{path}.overrides", $"At most {MaxRecurrenceItems} overrides."); return null; }
        for (var i = 0; i < overrideTexts.Count; i++)
        {
            var o = overrideTexts[i];
            var itemPath = $"{path}.overrides[{i}]";
            if (o.Id is not null && o.Id != series.Id) { error($"{itemPath}.id", "Must be left out or equal the series' id."); ok = false; }
            if (o.Recurrence is not null) { error($"{itemPath}.recurrence", "An override does not recur."); ok = false; }
            if (ParseInstant(o.RecurrenceId, seriesZone, $"{itemPath}.recurrenceId", error) is not { } recurrenceId)
            {
                if (o.RecurrenceId is null) { error($"{itemPath}.recurrenceId", "Required: the start this occurrence has under the rule."); }
                ok = false;
                continue;
            }

            if (!seen.Add(recurrenceId)) { error($"{itemPath}.recurrenceId", "Duplicate override of the same occurrence."); ok = false; continue; }
            starts ??= SeriesStarts(withRule, overrideTexts, seriesZone, eventZone, budget);
            if (ok && !starts.Contains(recurrenceId))
            {
                error($"{itemPath}.recurrenceId", "Is not a start of the series (or lies beyond the expansion limits).");
                ok = false;
                continue;
            }

            var merged = new SessionJson
            {
                Id = series.Id,
                Title = o.Title ?? json.Title,
                Subtitle = o.Subtitle ?? json.Subtitle,
                Abstract = o.Abstract ?? json.Abstract,
                Start = o.Start ?? o.RecurrenceId,
                End = o.End,
                Duration = o.End is null && o.Duration is null
                    ? string.Create(CultureInfo.InvariantCulture, $"PT{(long)series.Duration.TotalSeconds}S")
                    : o.Duration,
                State = o.State ?? json.State,
                Track = o.Track ?? json.Track,
                Room = o.Room ?? json.Room,
                Type = o.Type ?? json.Type,
                Language = o.Language ?? json.Language,
                Url = o.Url ?? json.Url,
                Image = o.Image ?? json.Image,
                StreamUrl = o.StreamUrl ?? json.StreamUrl,
                VideoUrl = o.VideoUrl ?? json.VideoUrl,
                SlidesUrl = o.SlidesUrl ?? json.SlidesUrl,
                Speakers = o.Speakers ?? json.Speakers,
                LastModified = o.LastModified ?? json.LastModified,
                Revision = o.Revision ?? json.Revision,
            };
            if (mapSession(merged, itemPath, seriesZone) is { } instance)
            {
                overrides.Add(new RecurrenceOverride { RecurrenceId = recurrenceId, Instance = instance });
            }
            else
            {
                ok = false;
            }
        }

        return ok ? withRule with { Recurrence = model with { Overrides = [.. overrides.OrderBy(o => o.RecurrenceId)] } } : null;
    }


    /// <summary>
    /// Reads ISO 8601 with offset, or local time in <paramref name="zone"/> (gaps shift forward,
    /// overlaps take the earlier); instants outside the supported range (1900-2199) are errors.
    /// </summary>
    public static Instant? ParseInstant(string? text, DateTimeZone zone, string field, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Instant? value;
        try
        {
            value = ParseInstantUnchecked(text, zone, field, error);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            error(field, $"'{Truncate(text!.Trim())}' is outside the supported range (years 1900 to 2199).");
            return null;
        }

        if (value is { } v && !IsInSupportedRange(v))
        {
            error(field, $"'{Truncate(text!.Trim())}' is outside the supported range (years 1900 to 2199).");
            return null;
        }

        return value;
    }

    private static Instant? ParseInstantUnchecked(string? text, DateTimeZone zone, string field, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(error);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        // Seconds are optional ("2027-03-26T09:00+01:00"), as many organisers write them.
        var withOffset = OffsetPattern.Parse(text);
        if (!withOffset.Success)
        {
            withOffset = OffsetMinutesPattern.Parse(text);
        }

        if (withOffset.Success)
        {
            return withOffset.Value.ToInstant();
        }

        if (text.EndsWith('Z') && InstantPattern.ExtendedIso.Parse(text) is { Success: true } utc)
        {
            return utc.Value;
        }

        var local = LocalPattern.Parse(text);
        if (!local.Success)
        {
            local = LocalMinutesPattern.Parse(text);
        }

        if (local.Success)
        {
            return local.Value.InZoneLeniently(zone).ToInstant();
        }

        error(field, $"'{Truncate(text)}' is not an ISO 8601 date-time.");
        return null;
    }

    /// <summary>ISO 8601 duration ("PT1H30M") or "hh:mm" as frab writes it.</summary>
    public static Duration? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        var iso = PeriodPattern.NormalizingIso.Parse(text);
        if (iso.Success && iso.Value.Years == 0 && iso.Value.Months == 0)
        {
            // Weeks and days are fixed lengths here: a session's duration is elapsed time.
            try
            {
                var d = iso.Value.ToDuration();
                return d >= Duration.Zero ? d : null;
            }
            catch (OverflowException)
            {
                return null; // beyond NodaTime's range: as unusable as malformed
            }
        }

        var parts = text.Split(':');
        if (parts.Length is 2 or 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && m < 60 && h < 100_000)
        {
            var s = 0;
            if (parts.Length == 3 && (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out s) || s >= 60))
            {
                return null;
            }

            return Duration.FromHours(h) + Duration.FromMinutes(m) + Duration.FromSeconds(s);
        }

        return null;
    }

    private static GeoPoint? Geo(double? latitude, double? longitude, string path, Action<string, string> error)
    {
        if (latitude is null && longitude is null)
        {
            return null;
        }

        if (latitude is { } lat && longitude is { } lon && new GeoPoint(lat, lon) is { IsValid: true } point)
        {
            return point;
        }

        error($"{path}.latitude", "Latitude (-90..90) and longitude (-180..180) must be given together.");
        return null;
    }

    private static string? Url(string? value, string field, Action<string, string> error)
    {
        var text = TextSanitizer.Line(value);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (uri.UserInfo.Length > 0 || AddressScrubber.CarriesAddress(text))
            {
                // Not echoed: the value is what must not be repeated.
                error(field, "Must not carry user info or an e-mail address.");
                return null;
            }

            return uri.AbsoluteUri;
        }

        error(field, $"'{Truncate(text)}' is not an absolute http(s) URL.");
        return null;
    }

    // Every text field passes the one address scrubber, as imports do.
    private static string? CleanLine(string? value) => TextSanitizer.Line(AddressScrubber.Scrub(TextSanitizer.Line(value)));

    private static string? CleanText(string? value) => TextSanitizer.Text(AddressScrubber.Scrub(TextSanitizer.Text(value)));

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
