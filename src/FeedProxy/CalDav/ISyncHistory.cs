namespace FeedProxy.CalDav;

/// <summary>
/// The manifests sync tokens stand for (<see cref="CalendarIndex.Manifest"/>), per calendar,
/// kept in the schedule store (the state folder, or a PostgreSQL table shared by every
/// instance) for the change retention after they stop being current. Thread-safe.
/// </summary>
internal interface ISyncHistory
{
    /// <summary>The manifest a token names, or null when unknown or expired.</summary>
    ValueTask<byte[]?> GetAsync(string calendar, string token, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="token"/> is the calendar's current manifest (idempotent; refreshes its age).</summary>
    ValueTask RememberAsync(string calendar, string token, byte[] manifest, CancellationToken cancellationToken);
}
