using FeedProxy.Formats.Model;

namespace FeedProxy.Storage;

/// <summary>
/// An event as stored, with a version that changes whenever anything in any of its feeds
/// changes. Versions are opaque and compared for equality only; they are part of cache keys.
/// </summary>
public sealed record EventSnapshot(Event Event, string Version);

/// <summary>
/// Read side of the schedule store (embedded files or PostgreSQL). Implementations are
/// thread-safe; reads of an unchanged event should be cheap.
/// </summary>
public interface IEventStore
{
    /// <summary>The event, or null when no event has this id. Unpublished events are returned; callers decide visibility.</summary>
    ValueTask<EventSnapshot?> GetAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// The current version without loading the event, or null when unknown. Lets a
    /// conditional request be answered from the cache with no store round trip.
    /// </summary>
    ValueTask<string?> GetVersionAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Ids of all events (any visibility).</summary>
    ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Raised with the event id after any change is visible through <see cref="GetAsync"/>.</summary>
    event Action<string>? Changed;
}
