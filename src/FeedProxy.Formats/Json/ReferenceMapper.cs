using System.Text.RegularExpressions;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.Json;

/// <summary>The tracks, rooms and speakers a document declares, which its sessions name by id.</summary>
internal sealed partial class ReferenceMapper
{
    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColorPattern();

    private ReferenceMapper(Dictionary<string, Track> tracks, Dictionary<string, Room> rooms, Dictionary<string, Speaker> speakers)
    {
        Tracks = tracks;
        Rooms = rooms;
        Speakers = speakers;
    }

    public Dictionary<string, Track> Tracks { get; }

    public Dictionary<string, Room> Rooms { get; }

    public Dictionary<string, Speaker> Speakers { get; }

    public static ReferenceMapper Map(EventJson json, ValidationErrors errors) => new(
        Declared(json.Tracks, "tracks", "track", t => t.Id, t => t.Name, idFromName: true, (t, id, name, path) =>
        {
            if (t.Color is not null && !ColorPattern().IsMatch(t.Color.Trim()))
            {
                errors.Add($"{path}.color", "Must be '#rrggbb'.");
            }

            return new Track { Id = id, Name = name, Color = t.Color?.Trim().ToUpperInvariant() };
        }, errors),
        Declared(json.Rooms, "rooms", "room", r => r.Id, r => r.Name, idFromName: true, (r, id, name, path) =>
            new Room { Id = id, Name = name, Floor = r.Floor, Geo = JsonFields.Geo(r.Latitude, r.Longitude, path, errors) }, errors),
        // Speakers have no slug fallback: two people may share a name.
        Declared(json.Speakers, "speakers", "speaker", s => s.Id, s => s.Name, idFromName: false, (s, id, name, _) =>
            new Speaker { Id = id, Name = name, Organisation = JsonFields.Line(s.Organisation), Position = JsonFields.Line(s.Position) }, errors));

    /// <summary>
    /// One list of declarations: each needs a valid, unique id (tracks and rooms may leave it out
    /// and take their name's slug) and a name; <paramref name="build"/> checks the rest.
    /// </summary>
    private static Dictionary<string, T> Declared<TJson, T>(
        List<TJson>? items, string field, string noun, Func<TJson, string?> idOf, Func<TJson, string?> nameOf, bool idFromName,
        Func<TJson, string, string, string, T> build, ValidationErrors errors)
    {
        var declared = new Dictionary<string, T>(StringComparer.Ordinal);
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var item = items![i];
            var path = $"{field}[{i}]";
            var name = JsonFields.Line(nameOf(item));
            var id = idOf(item) ?? (idFromName && name is not null ? Slug.From(name) : null);
            if (!ScheduleId.IsValid(id)) { errors.Add($"{path}.id", "Required: a valid id."); continue; }
            if (name is null) { errors.Add($"{path}.name", "Required."); continue; }
            if (!declared.TryAdd(id, build(item, id, name, path)))
            {
                errors.Add($"{path}.id", $"Duplicate {noun} id '{id}'.");
            }
        }

        return declared;
    }
}
