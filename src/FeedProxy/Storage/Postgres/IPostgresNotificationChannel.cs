namespace FeedProxy.Storage.Postgres;

/// <summary>
/// A further NOTIFY channel heard on <see cref="PostgresChangeListener"/>'s connection, for a
/// store that keeps rows in memory besides the event store. Holding anything in memory is
/// safe only between <see cref="OnListening"/> and <see cref="OnListenerLost"/>: outside that
/// window notifications may be missed. Called on the listener's thread; must not block.
/// </summary>
internal interface IPostgresNotificationChannel
{
    /// <summary>The channel name (a plain identifier).</summary>
    string Channel { get; }

    void OnNotification(string payload);

    /// <summary>LISTEN is active; anything kept from before may be stale.</summary>
    void OnListening();

    /// <summary>The connection is gone: notifications may be missed from now on.</summary>
    void OnListenerLost();
}
