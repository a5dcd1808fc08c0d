using System.Collections.Concurrent;
using FeedProxy.Formats.Model;
using FeedProxy.Rendering;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FeedProxy.Storage.Postgres;

/// <summary>
/// <see cref="IEventStore"/> over PostgreSQL. Versions and loaded snapshots are kept in memory
/// and dropped when <see cref="PostgresChangeListener"/> reports a change (LISTEN
/// feedproxy_events), so an unchanged event costs no round trip. While the listener is not
/// connected nothing is kept: every read goes to the database, because a missed notification
/// would serve stale data.
/// <para>
/// A version asked for while listening loads the whole event in the same round trip (the load
/// returns the version), because a version nobody held in memory is almost always followed by
/// a render: a cold miss then costs one round trip, not a lookup and a load, and the cache key
/// is built from the version of the very snapshot that is rendered. Loads are single-flight
/// per event, so the formats of a changed event that miss together share one load. Snapshots
/// kept are bounded by their total number of sessions (least recently used dropped first;
/// their versions stay, a version is a few bytes).
/// </para>
/// <para>
/// A snapshot is kept on probation until it is read a second time (another representation of
/// the same version missing). Probation holds at most a fifth of the bound, newest first (or
/// the newest snapshot alone, when it is larger), so a run of one-off loads (many events
/// missing once, e.g. after a restart) neither pushes out the snapshots in use nor keeps a
/// trail of snapshots nobody asks for again. The garbage collector copies each kept snapshot
/// twice (into generation 1, then 2): with five kept, its pauses on a run of cold misses were
/// three times what they are with probation (docs/benchmarks.md, "Cold path, fourth pass").
/// </para>
/// Thread-safe.
/// </summary>
public sealed partial class PostgresEventStore : IEventStore
{
    /// <summary>
    /// Default bound of <see cref="MaxKeptSessions"/>: about 15 MB of schedule model at ~3 KB
    /// per session (five 1,000-session events, or every event of a typical deployment). Before
    /// the bound every snapshot loaded stayed while its event was unchanged.
    /// </summary>
    public const int DefaultMaxKeptSessions = 5_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresEventStore> _logger;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);
    private readonly SingleFlight<(string EventId, long Generation), EventSnapshot?> _loads = new();
    private readonly Lock _evictLock = new();
    private long _keptSessions;
    private long _probationSessions;
    private long _clock;

    // Raised on every notification and listener state change. A load that started before
    // the counter moved may have read the old state, so its result is not kept.
    private long _generation;
    private volatile bool _listening;

    public PostgresEventStore(NpgsqlDataSource dataSource, ILogger<PostgresEventStore> logger)
        : this(dataSource, logger, DefaultMaxKeptSessions)
    {
    }

    /// <param name="maxKeptSessions">Bound of the snapshots kept in memory, in sessions (0 keeps versions only).</param>
    public PostgresEventStore(NpgsqlDataSource dataSource, ILogger<PostgresEventStore> logger, int maxKeptSessions)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        ArgumentOutOfRangeException.ThrowIfNegative(maxKeptSessions);
        MaxKeptSessions = maxKeptSessions;
    }

    /// <summary>The most sessions kept in memory across all kept snapshots.</summary>
    public int MaxKeptSessions { get; }

    /// <summary>The most sessions in snapshots read only once so far (a fifth of <see cref="MaxKeptSessions"/>).</summary>
    public int MaxProbationSessions => MaxKeptSessions / 5;

    /// <summary>Sessions in kept snapshots read only once so far (for tests and diagnostics).</summary>
    public long ProbationSessions => Interlocked.Read(ref _probationSessions);

    /// <summary>Sessions in the snapshots kept in memory now (for tests and diagnostics).</summary>
    public long KeptSessions => Interlocked.Read(ref _keptSessions);

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
            cached.Touch(Interlocked.Increment(ref _clock));
            if (cached.Probation && cached.Read() >= 2)
            {
                Promote(eventId, cached);
            }

            return cached.Snapshot;
        }

        var loaded = await LoadAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (loaded is not null && _cache.TryGetValue(eventId, out var kept) && ReferenceEquals(kept.Snapshot, loaded))
        {
            kept.Read();   // this caller's read (a version lookup that loads reads nothing yet)
        }

        return loaded;
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetVersionAsync(string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        if (_cache.TryGetValue(eventId, out var cached))
        {
            return cached.Version;
        }

        if (_listening)
        {
            // Kept in memory from here on, so this is one round trip per event and instance.
            return (await LoadAsync(eventId, cancellationToken).ConfigureAwait(false))?.Version;
        }

        await using var command = _dataSource.CreateCommand("SELECT version FROM events WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is long version ? PostgresEventReader.FormatVersion(version) : null;
    }

    // Single-flight per event and generation: a request that arrives after a change was
    // notified never joins a load that may have read the old state.
    private Task<EventSnapshot?> LoadAsync(string eventId, CancellationToken cancellationToken)
    {
        var key = (eventId, Interlocked.Read(ref _generation));
        return _loads.RunAsync(key, this, static (k, store) => store.LoadAndKeepAsync(k), cancellationToken);
    }

    // Shared by every caller that joined, so no caller's cancellation ends it (the command
    // timeout of the connection string bounds it).
    private async Task<EventSnapshot?> LoadAndKeepAsync((string EventId, long Generation) key)
    {
        var snapshot = await PostgresEventReader.LoadAsync(_dataSource, key.EventId, CancellationToken.None).ConfigureAwait(false);
        if (snapshot is not null)
        {
            var sessions = snapshot.Event.Sessions.Count;
            Keep(key.EventId, sessions <= MaxKeptSessions
                ? new Cached(snapshot.Version, snapshot, sessions, Interlocked.Increment(ref _clock), probation: true)
                : new Cached(snapshot.Version, null, 0, 0), key.Generation);
        }

        return snapshot;
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
        Remove(eventId);
    }

    /// <summary>Called by the listener for each notification: forget the event and tell subscribers.</summary>
    internal void OnNotification(string eventId)
    {
        Interlocked.Increment(ref _generation);
        Remove(eventId);
        RaiseChanged(eventId);
    }

    /// <summary>Called by the listener once LISTEN is active.</summary>
    internal void OnListening()
    {
        Interlocked.Increment(ref _generation);
        Clear();
        _listening = true;
    }

    /// <summary>Called by the listener when its connection is lost: notifications may be missed from now on.</summary>
    internal void OnListenerLost()
    {
        _listening = false;
        Interlocked.Increment(ref _generation);
        Clear();
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

        while (true)
        {
            if (_cache.TryGetValue(eventId, out var replaced))
            {
                if (_cache.TryUpdate(eventId, entry, replaced))
                {
                    Account(replaced, entry);
                    break;
                }
            }
            else if (_cache.TryAdd(eventId, entry))
            {
                Account(null, entry);
                break;
            }
        }

        // A notification that raced with the load wins: undo rather than keep stale data.
        if (Interlocked.Read(ref _generation) != generation)
        {
            Remove(eventId, entry);
            return;
        }

        if (Interlocked.Read(ref _probationSessions) > MaxProbationSessions || Interlocked.Read(ref _keptSessions) > MaxKeptSessions)
        {
            EvictLeastRecentlyUsed(entry);
        }
    }

    // Read again: out of probation (a lost race means another reader promoted it, or it went).
    private void Promote(string eventId, Cached entry)
    {
        var promoted = new Cached(entry.Version, entry.Snapshot, entry.Sessions, entry.LastUsed, probation: false);
        if (_cache.TryUpdate(eventId, promoted, entry))
        {
            Account(entry, promoted);
        }
    }

    // Drops snapshots, oldest use first, until those on probation and then all kept fit;
    // their versions stay. O(kept snapshots log kept snapshots), and only when a load went
    // over a bound. The snapshot just kept stays even when it alone is over the probation
    // bound: the request that loaded it is about to read it.
    private void EvictLeastRecentlyUsed(Cached kept)
    {
        lock (_evictLock)
        {
            var candidates = _cache.Where(e => e.Value.Snapshot is not null).OrderBy(e => e.Value.LastUsed).ToList();
            foreach (var (eventId, entry) in candidates.Where(e => e.Value.Probation && !ReferenceEquals(e.Value, kept)))
            {
                if (Interlocked.Read(ref _probationSessions) <= MaxProbationSessions)
                {
                    break;
                }

                Demote(eventId, entry);
            }

            foreach (var (eventId, entry) in candidates)
            {
                if (Interlocked.Read(ref _keptSessions) <= MaxKeptSessions)
                {
                    break;
                }

                // One the first loop dropped (or a reader promoted since) no longer matches: the
                // loop goes on to the next.
                Demote(eventId, entry);
            }
        }
    }

    private void Demote(string eventId, Cached entry)
    {
        if (_cache.TryUpdate(eventId, new Cached(entry.Version, null, 0, 0), entry))
        {
            Account(entry, null);
        }
    }

    private void Remove(string eventId, Cached? entry = null)
    {
        if (entry is null ? _cache.TryRemove(eventId, out entry) : _cache.TryRemove(new KeyValuePair<string, Cached>(eventId, entry)))
        {
            Account(entry, null);
        }
    }

    private void Clear()
    {
        foreach (var eventId in _cache.Keys)
        {
            Remove(eventId);
        }
    }

    private void Account(Cached? removed, Cached? added)
    {
        Interlocked.Add(ref _keptSessions, (added?.Sessions ?? 0) - (removed?.Sessions ?? 0));
        Interlocked.Add(ref _probationSessions, ProbationOf(added) - ProbationOf(removed));
    }

    private static long ProbationOf(Cached? entry) => entry is { Probation: true } ? entry.Sessions : 0;

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

    /// <summary>
    /// A version, with its snapshot while it is kept; <see cref="LastUsed"/> orders evictions.
    /// A snapshot on <see cref="Probation"/> counts its reads until the second one.
    /// </summary>
    private sealed class Cached(string version, EventSnapshot? snapshot, int sessions, long lastUsed, bool probation = false)
    {
        private long _lastUsed = lastUsed;
        private int _reads;

        public bool Probation => probation && snapshot is not null;

        /// <summary>Counts a read of the kept snapshot; the count so far.</summary>
        public int Read() => Interlocked.Increment(ref _reads);

        public string Version => version;

        public EventSnapshot? Snapshot => snapshot;

        public int Sessions => sessions;

        public long LastUsed => Interlocked.Read(ref _lastUsed);

        public void Touch(long now) => Interlocked.Exchange(ref _lastUsed, now);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "A Changed subscriber failed for event {EventId}")]
    private partial void LogSubscriberFailed(Exception exception, string eventId);
}
