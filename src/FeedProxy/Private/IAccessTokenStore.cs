namespace FeedProxy.Private;

/// <summary>
/// Where the secret URL token of each private event lives (a JSON file in the embedded
/// mode; a table in the PostgreSQL mode). Reads must see a rotation made by any instance
/// at once: implementations read the backing store (or a cache invalidated by it) on every
/// call, never a copy that can go stale.
/// </summary>
public interface IAccessTokenStore
{
    /// <summary>
    /// The stored form of the event's current token (<see cref="AccessTokens.Hash"/>; a plain
    /// token written before hashing is still returned as is), or null when it has none.
    /// </summary>
    ValueTask<string?> GetAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the event's token with a new random one, stores only its hash and returns the
    /// token itself (the only time it is seen); the old one stops working immediately.
    /// </summary>
    ValueTask<string> RotateAsync(string eventId, CancellationToken cancellationToken);
}
