using System.Collections.Immutable;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Collections;

/// <summary>
/// A named set of events served as one feed (/collections/{id}.ics etc.). Each member is an
/// event in the schedule store (hosted or upstream-fed alike) with optional filters.
/// </summary>
internal sealed record CollectionDefinition
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public EventVisibility Visibility { get; init; } = EventVisibility.Public;
    public required IReadOnlyList<CollectionMember> Members { get; init; }

    /// <summary>Last change of the definition itself.</summary>
    public required Instant LastModified { get; init; }
}

/// <summary>
/// One event of a collection. Filters use the dimensions and values of the feed query
/// (track, room, speaker, day, type, lang and their not.* exclusions; names or ids,
/// lower-cased, sorted). <see cref="Prefix"/> goes before every title of the member's
/// sessions ("[Chess] "); <see cref="Color"/> (a CSS colour as given, validated) colours them.
/// </summary>
internal sealed record CollectionMember(string EventId, ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Filters)
{
    public string? Prefix { get; init; }

    public string? Color { get; init; }

    /// <summary>A session as this member shows it: prefixed title, member colour ("#RRGGBB").</summary>
    public Formats.Model.Session Decorate(Formats.Model.Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Prefix is null && Color is null)
        {
            return session;
        }

        var hex = Color is not null && Formats.ICalendar.CalendarColor.TryNormalize(Color, out var normalized) ? normalized : session.Color;
        var shown = session with { Title = Prefix is null ? session.Title : Prefix + session.Title, Color = hex };
        // A series' changed occurrences are written as VEVENTs of their own: they are shown the same way.
        if (session.Recurrence is { Overrides.Count: > 0 } recurrence)
        {
            shown = shown with
            {
                Recurrence = recurrence with { Overrides = [.. recurrence.Overrides.Select(o => o with { Instance = Decorate(o.Instance) })] },
            };
        }

        return shown;
    }
}

/// <summary>A definition as stored, with a version that changes whenever the definition does.</summary>
internal sealed record CollectionSnapshot(CollectionDefinition Definition, string Version);
