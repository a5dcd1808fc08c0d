using FeedProxy.Formats.Model;

namespace FeedProxy.Admin;

/// <summary>
/// Write side of the schedule store. Every call is atomic: readers see the whole change
/// or none of it, and a change is visible through <see cref="Storage.IEventStore"/> when
/// the call returns.
/// </summary>
public interface IEventAdminStore
{
    /// <summary>Creates or replaces an event with everything in it. Rows that did not change keep their revisions.</summary>
    Task SaveAsync(Event model, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the event and its upstream source, if any (else the next refresh would re-create
    /// the event). False when there was neither.
    /// </summary>
    Task<bool> DeleteAsync(string eventId, CancellationToken cancellationToken);
}
