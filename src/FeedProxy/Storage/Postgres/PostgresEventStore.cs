using System.Collections.Concurrent;
using FeedProxy.Formats.Model;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FeedProxy.Storage.Postgres;

/// <summary>
/// <see cref="IEventStore"/> over PostgreSQL. Loaded snapshots are kept in memory and dropped
/// when <see cref="PostgresChangeListener"/> reports a change (LISTEN feedproxy_events), so an
/// unchanged event costs no round trip. While the listener is not connected nothing is kept:
/// every read goes to the database, because a missed notification would serve stale data.
/// Thread-safe.
/// </summary>
public sealed partial class PostgresEventStore : IEventStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresEventStore> _logger;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    // Raised on every notification and listener state change. A load that started before
    // the counter moved may have read the old state, so its result is not kept.
    private long _generation;
    private volatile bool _listening;

    public PostgresEventStore(NpgsqlDataSource dataSource, ILogger<PostgresEventStore> logger)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <inheritdoc />
    public event Action<string>? Changed;

    /// <summary>True while change notifications are being received (and reads may be served from memory).</summary>
    public bool IsListening => _listening;

    /// <inheritdoc />
    public async ValueTask<EventSnapshot?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        if (_cache.TryGetValue(eventId, out var cached) && cached.Snapshot is not null)
        {
            return cached.Snapshot;
        }

        var generation = Interlocked.Read(ref _generation);
        var snapshot = await PostgresEventReader.LoadAsync(_dataSource, eventId, cancellationToken).ConfigureAwait(false);
        if (snapshot is not null)
        {
            Keep(eventId, new Cached(snapshot.Version, snapshot), generation);
        }

        return snapshot;
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetVersionAsync(string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        if (_cache.TryGetValue(eventId, out var cached))
        {
            return cached.Version;
        }

        var generation = Interlocked.Read(ref _generation);
        await using var command = _dataSource.CreateCommand("SELECT version FROM events WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (result is not long version)
        {
            return null;
        }

        var text = PostgresEventReader.FormatVersion(version);
        Keep(eventId, new Cached(text, null), generation);
        return text;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT id FROM events ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>
    /// Drops what is held in memory for an event without raising <see cref="Changed"/>. For a
    /// writer that must read its own write before the notification arrives (a few ms later).
    /// </summary>
    public void Invalidate(string eventId)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(eventId, out _);
    }

    /// <summary>Called by the listener for each notification: forget the event and tell subscribers.</summary>
    internal void OnNotification(string eventId)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(eventId, out _);
        RaiseChanged(eventId);
    }

    /// <summary>Called by the listener once LISTEN is active.</summary>
    internal void OnListening()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
        _listening = true;
    }

    /// <summary>Called by the listener when its connection is lost: notifications may be missed from now on.</summary>
    internal void OnListenerLost()
    {
        _listening = false;
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    /// <summary>After an outage: changes made meanwhile were not notified, so report every event as changed.</summary>
    internal async Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            RaiseChanged(id);
        }
    }

    private void Keep(string eventId, Cached entry, long generation)
    {
        if (!_listening)
        {
            return;
        }

        _cache[eventId] = entry;
        // A notification that raced with the load wins: undo rather than keep stale data.
        if (Interlocked.Read(ref _generation) != generation)
        {
            _cache.TryRemove(new KeyValuePair<string, Cached>(eventId, entry));
        }
    }

    private void RaiseChanged(string eventId)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<string>)handler)(eventId);
            }
#pragma warning disable CA1031 // One failing subscriber must not stop the others or the listener.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSubscriberFailed(ex, eventId);
            }
        }
    }

    private sealed record Cached(string Version, EventSnapshot? Snapshot);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "A Changed subscriber failed for event {EventId}")]
    private partial void LogSubscriberFailed(Exception exception, string eventId);
}
