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
/// (track, room, speaker, day, type, lang; names or ids, lower-cased, sorted).
/// </summary>
internal sealed record CollectionMember(string EventId, ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Filters);

/// <summary>A definition as stored, with a version that changes whenever the definition does.</summary>
internal sealed record CollectionSnapshot(CollectionDefinition Definition, string Version);
