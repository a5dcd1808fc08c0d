using System.Security.Cryptography;
using System.Text;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Formats.Import;

/// <summary>
/// Collects tracks, rooms, speakers and sessions while an importer walks a file, and hands
/// out stable, unique, valid ids: track and room ids are slugs of their names, speaker ids
/// the source's person id (else a slug of the name), session ids the source's guid or id.
/// Same input, same ids: nothing here depends on time or randomness.
/// </summary>
internal sealed class ScheduleBuilder
{
    private readonly Dictionary<string, Track> _tracks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Speaker> _speakers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _trackIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _roomIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _speakerIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sessionIds = new(StringComparer.Ordinal);
    private readonly List<Session> _sessions = [];
    private readonly HashSet<Offset> _offsets = [];

    public int SessionCount => _sessions.Count;

    /// <summary>The track named <paramref name="name"/>, created on first use; a later colour fills a missing one.</summary>
    public Track? Track(string? name, string? color = null)
    {
        var clean = ImportText.Line(name);
        if (clean is null)
        {
            return null;
        }

        var rgb = ImportText.Color(color);
        if (_tracks.TryGetValue(clean, out var existing))
        {
            if (existing.Color is null && rgb is not null)
            {
                _tracks[clean] = existing = existing with { Color = rgb };
            }

            return existing;
        }

        var track = new Track { Id = Unique(Slug.From(clean), _trackIds), Name = clean, Color = rgb };
        _tracks[clean] = track;
        return track;
    }

    /// <summary>The room named <paramref name="name"/>, created on first use; later details fill missing ones.</summary>
    public Room? Room(string? name, int? floor = null, GeoPoint? geo = null)
    {
        var clean = ImportText.Line(name);
        if (clean is null)
        {
            return null;
        }

        var point = geo is { IsValid: true } g ? g : (GeoPoint?)null;
        if (_rooms.TryGetValue(clean, out var existing))
        {
            if ((existing.Floor is null && floor is not null) || (existing.Geo is null && point is not null))
            {
                _rooms[clean] = existing = existing with { Floor = existing.Floor ?? floor, Geo = existing.Geo ?? point };
            }

            return existing;
        }

        var room = new Room { Id = Unique(Slug.From(clean), _roomIds), Name = clean, Floor = floor, Geo = point };
        _rooms[clean] = room;
        return room;
    }

    /// <summary>
    /// The speaker with source id <paramref name="sourceId"/> (or, without one, this name).
    /// Contact data is never taken: the model has no place for it.
    /// </summary>
    public Speaker? Speaker(string? sourceId, string? name, string? organisation = null, string? position = null)
    {
        var clean = ImportText.Line(name);
        if (clean is null)
        {
            return null;
        }

        var rawId = sourceId?.Trim();
        var key = string.IsNullOrEmpty(rawId) ? "name:" + clean : "id:" + rawId;
        var org = ImportText.Line(organisation);
        var pos = ImportText.Line(position);
        if (_speakers.TryGetValue(key, out var existing))
        {
            if ((existing.Organisation is null && org is not null) || (existing.Position is null && pos is not null))
            {
                _speakers[key] = existing = existing with { Organisation = existing.Organisation ?? org, Position = existing.Position ?? pos };
            }

            return existing;
        }

        var id = Unique(ImportText.Id(rawId) ?? Slug.From(clean), _speakerIds);
        var speaker = new Speaker { Id = id, Name = clean, Organisation = org, Position = pos };
        _speakers[key] = speaker;
        return speaker;
    }

    /// <summary>
    /// The first usable candidate (guid, id, slug, ...) made valid and unique; without any,
    /// a hash of <paramref name="fallbackSeed"/>, so re-imports still agree.
    /// </summary>
    public string SessionId(string fallbackSeed, params string?[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (ImportText.Id(candidate) is { } id)
            {
                return Unique(id, _sessionIds);
            }
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(fallbackSeed));
        return Unique("s-" + Convert.ToHexStringLower(hash.AsSpan(0, 8)), _sessionIds);
    }

    /// <summary>Records an offset seen in the file, for files that name no time zone.</summary>
    public void SawOffset(Offset offset) => _offsets.Add(offset);

    /// <summary>The fixed-offset zone id when every time in the file carried the same whole-hour offset.</summary>
    public string? ZoneFromOffsets() => _offsets.Count == 1 ? ScheduleTime.FixedZoneId(_offsets.First()) : null;

    public void Add(Session session) => _sessions.Add(session);

    /// <summary>The event, with every session pointing at the final track, room and speaker records.</summary>
    public Event Build(Event header)
    {
        var tracks = _tracks.Values.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var rooms = _rooms.Values.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var speakers = _speakers.Values.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var sessions = new List<Session>(_sessions.Count);
        foreach (var session in _sessions)
        {
            var sessionSpeakers = session.Speakers.Select(s => speakers[s.Id]).DistinctBy(s => s.Id).ToList();
            used.UnionWith(sessionSpeakers.Select(s => s.Id));
            sessions.Add(session with
            {
                Track = session.Track is null ? null : tracks[session.Track.Id],
                Room = session.Room is null ? null : rooms[session.Room.Id],
                Speakers = sessionSpeakers,
            });
        }

        return header with
        {
            Tracks = [.. tracks.Values],
            Rooms = [.. rooms.Values],
            // Only people who appear in the schedule; a speaker list alone is not published.
            Speakers = [.. speakers.Values.Where(s => used.Contains(s.Id))],
            Sessions = sessions,
        };
    }

    /// <summary>The event id: the caller's, else the first usable candidate, else a slug of the name.</summary>
    public static string EventId(ImportOptions options, string name, params string?[] candidates)
    {
        if (options.EventId is not null)
        {
            return ImportText.Id(options.EventId)
                ?? throw new ImportException("Not a usable id (letters, digits, '.', '_', '-').", "options.EventId");
        }

        foreach (var candidate in candidates)
        {
            if (ImportText.Line(candidate) is { } text && Slug.From(text) is var slug && ImportText.Id(slug) is { } id)
            {
                return id;
            }
        }

        return Slug.From(name);
    }

    private static string Unique(string id, HashSet<string> used)
    {
        if (used.Add(id))
        {
            return id;
        }

        var stem = id.Length > 120 ? id[..120] : id;
        for (var n = 2; ; n++)
        {
            var candidate = stem + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (used.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
