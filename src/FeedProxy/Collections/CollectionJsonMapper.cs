using System.Collections.Immutable;
using FeedProxy.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Collections;

/// <summary>Validates a <see cref="CollectionJson"/> and maps it to the model and back.</summary>
internal static class CollectionJsonMapper
{
    /// <summary>Bounds that keep one collection's render and version lookup small.</summary>
    public const int MaxMembers = 100;

    private const int MaxValuesPerFilter = 50;
    private const int MaxValueLength = 200;
    private const int MaxNameLength = 200;
    private const int MaxDescriptionLength = 4000;
    private const int MaxPrefixLength = 50;

    /// <exception cref="EventValidationException">Any field is invalid; all problems are reported at once.</exception>
    public static CollectionDefinition ToModel(CollectionJson json, string id, Instant lastModified)
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!ScheduleId.IsValid(id))
        {
            errors["id"] = ["Ids are 1-128 letters, digits, '.', '_' or '-'."];
        }
        else if (json.Id is not null && json.Id != id)
        {
            errors["id"] = [$"The document's id '{json.Id}' differs from '{id}'."];
        }

        var name = TextSanitizer.Text(json.Name);
        if (name is null)
        {
            errors["name"] = ["A name is required."];
        }
        else if (name.Length > MaxNameLength)
        {
            errors["name"] = [$"At most {MaxNameLength} characters."];
        }

        var description = TextSanitizer.Text(json.Description);
        if (description is { Length: > MaxDescriptionLength })
        {
            errors["description"] = [$"At most {MaxDescriptionLength} characters."];
        }

        var visibility = EventVisibility.Public;
        if (json.Visibility is { } v)
        {
            if (v.Equals("private", StringComparison.OrdinalIgnoreCase)) { visibility = EventVisibility.Private; }
            else if (!v.Equals("public", StringComparison.OrdinalIgnoreCase)) { errors["visibility"] = ["Must be 'public' or 'private'."]; }
        }

        var members = new List<CollectionMember>();
        var list = json.Members ?? [];
        if (list.Count > MaxMembers)
        {
            errors["members"] = [$"At most {MaxMembers} members."];
            list = [];
        }

        for (var i = 0; i < list.Count; i++)
        {
            var member = list[i];
            if (member is null || !ScheduleId.IsValid(member.Event))
            {
                errors[$"members[{i}].event"] = ["An event id is required (1-128 letters, digits, '.', '_' or '-')."];
                continue;
            }

            var filters = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);
            foreach (var (dimension, values) in member.Filters ?? [])
            {
                var key = $"members[{i}].filters.{dimension}";
                if (!FeedRequest.FilterParameters.Contains(dimension))
                {
                    errors[key] = [$"Unknown filter; use {string.Join(", ", FeedRequest.FilterParameters)}."];
                    continue;
                }

                var set = (values ?? []).Select(x => (x ?? string.Empty).Trim().ToLowerInvariant()).Where(x => x.Length > 0)
                    .ToImmutableSortedSet(StringComparer.Ordinal);
                if (set.Count > MaxValuesPerFilter || set.Any(x => x.Length > MaxValueLength || TextSanitizer.Text(x) != x))
                {
                    errors[key] = [$"At most {MaxValuesPerFilter} values of at most {MaxValueLength} printable characters."];
                    continue;
                }

                if (!set.IsEmpty)
                {
                    filters[dimension] = set;
                }
            }

            // The prefix keeps its trailing space ("[Chess] "); it is one line of printable text.
            string? prefix = null;
            if (member.Prefix is { Length: > 0 } rawPrefix)
            {
                var clean = TextSanitizer.Text(rawPrefix);
                if (clean is null || rawPrefix.Length > MaxPrefixLength || clean != rawPrefix.Trim() || rawPrefix.AsSpan().ContainsAny('\r', '\n'))
                {
                    errors[$"members[{i}].prefix"] = [$"At most {MaxPrefixLength} printable characters on one line."];
                }
                else
                {
                    prefix = rawPrefix.TrimStart();
                }
            }

            string? color = null;
            if (member.Color is not null)
            {
                color = member.Color.Trim().ToLowerInvariant();
                if (!Formats.ICalendar.CalendarColor.TryNormalize(color, out _))
                {
                    errors[$"members[{i}].color"] = ["A CSS colour: '#rgb', '#rrggbb' or a CSS3 colour name such as 'dodgerblue'."];
                }
            }

            members.Add(new CollectionMember(member.Event!, filters.ToImmutable()) { Prefix = prefix, Color = color });
        }

        if (errors.Count > 0)
        {
            throw new EventValidationException(errors);
        }

        return new CollectionDefinition
        {
            Id = id,
            Name = name!,
            Description = description,
            Visibility = visibility,
            Members = members,
            LastModified = Instant.FromUnixTimeSeconds(lastModified.ToUnixTimeSeconds()),
        };
    }

    public static CollectionJson ToJson(CollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new CollectionJson
        {
            Id = definition.Id,
            Name = definition.Name,
            Description = definition.Description,
            Visibility = definition.Visibility == EventVisibility.Private ? "private" : "public",
            Members =
            [
                .. definition.Members.Select(m => new CollectionMemberJson
                {
                    Event = m.EventId,
                    Filters = m.Filters.Count == 0 ? null : m.Filters.ToDictionary(f => f.Key, f => f.Value.ToList(), StringComparer.Ordinal),
                    Prefix = m.Prefix,
                    Color = m.Color,
                }),
            ],
        };
    }
}
