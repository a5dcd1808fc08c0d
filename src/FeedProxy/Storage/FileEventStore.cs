using FeedProxy.Formats.Model;
using System.Collections.Concurrent;
using System.Text.Json;
using FeedProxy.Formats.Json;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Storage;

/// <summary>
/// The embedded store: one JSON file per event (docs/event-format.md) in a folder, watched
/// for changes. A file that fails to parse or validate is logged and the last good version
/// keeps being served, so a half-saved edit never takes a feed down.
/// </summary>
internal sealed partial class FileEventStore : IEventStore, IHostedService, IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly string _folder;
    private readonly ChangeTracker _tracker;
    private readonly Changes.FileChangeLog _changes;
    private readonly TimeProvider _time;
    private readonly ILogger<FileEventStore> _logger;
    private readonly ConcurrentDictionary<string, Entry> _events = new(StringComparer.Ordinal);

    // Stamps of files that failed to load and have no good version, so an unchanged bad file
    // is reported once, not at every poll. Touched only under _reloadLock.
    private readonly Dictionary<string, (long Ticks, long Length)> _rejected = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private FileSystemWatcher? _watcher;
    private ITimer? _debounceTimer;
    private ITimer? _pollTimer;
    private int _disposed;

    public FileEventStore(IOptions<FeedProxyOptions> options, Changes.FileChangeLog changes, TimeProvider time, ILogger<FileEventStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _changes = changes;
        _folder = Path.GetFullPath(options.Value.EventsPath);
        _time = time;
        _logger = logger;
        var state = options.Value.StatePath;
        _tracker = new ChangeTracker(string.IsNullOrWhiteSpace(state) ? null : Path.GetFullPath(Path.Combine(state, "file-store.json")), logger);
        ReloadAll();
    }

    public event Action<string>? Changed;

    public ValueTask<EventSnapshot?> GetAsync(string eventId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_events.TryGetValue(eventId, out var entry) ? entry.Snapshot : null);

    public ValueTask<string?> GetVersionAsync(string eventId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_events.TryGetValue(eventId, out var entry) ? entry.Snapshot.Version : null);

    public ValueTask<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. _events.Keys.Order(StringComparer.Ordinal)]);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(_folder))
        {
            _watcher = new FileSystemWatcher(_folder, "*.json")
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                EnableRaisingEvents = true,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Deleted += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
        }
        else
        {
            LogMissingFolder(_folder);
        }

        // Watchers miss events on some file systems (network and container mounts); a cheap
        // poll of write times backs them up.
        _debounceTimer = _time.CreateTimer(_ => ReloadFromTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _pollTimer = _time.CreateTimer(_ => ReloadFromTimer(), null, PollInterval, PollInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        _pollTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _debounceTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _watcher?.Dispose();
        WaitAndDispose(_pollTimer);
        WaitAndDispose(_debounceTimer);
        _reloadLock.Wait();
        _reloadLock.Dispose();
    }

    // A callback already running finishes under _reloadLock, which Dispose takes next; one
    // that starts later sees _disposed and returns.
    private static void WaitAndDispose(ITimer? timer) => timer?.Dispose();

    // Timer callbacks run on the thread pool, where an exception would end the process.
    private void ReloadFromTimer()
    {
        try
        {
            ReloadAll();
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) == 1)
        {
            // A timer that fired while the store shut down.
        }
#pragma warning disable CA1031 // logged; the next poll tries again
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogReloadFailed(ex.GetType().Name, ex.Message);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        _debounceTimer?.Change(Debounce, Timeout.InfiniteTimeSpan);
        FileEventSeen?.Invoke();
    }

    /// <summary>Raised when the watcher reported a change and the debounced reload is armed.</summary>
    internal event Action? FileEventSeen;

    /// <summary>Re-reads every file whose write time or size changed; removes events whose file is gone.</summary>
    /// <param name="wait">Block until this reload ran (admin writes) instead of deferring to a running one.</param>
    /// <param name="force">An event id to re-read even if its file's stamp looks unchanged.</param>
    internal void ReloadAll(bool wait = false, string? force = null)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        if (wait)
        {
            _reloadLock.Wait();
        }
        else if (!_reloadLock.Wait(0))
        {
            // A reload is running; make sure another one follows it.
            _debounceTimer?.Change(Debounce, Timeout.InfiniteTimeSpan);
            return;
        }

        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var files = Directory.Exists(_folder) ? Directory.GetFiles(_folder, "*.json") : [];
            foreach (var path in files.Order(StringComparer.Ordinal))
            {
                var stem = Path.GetFileNameWithoutExtension(path);
                // {id}.source.json beside an event declares its upstream (Upstream/FileSourceStore), not an event.
                if (!ScheduleId.IsValid(stem) || path.EndsWith(Upstream.FileSourceStore.Suffix, StringComparison.Ordinal))
                {
                    continue;
                }

                seen.Add(stem);
                var info = new FileInfo(path);
                var stamp = (info.LastWriteTimeUtc.Ticks, info.Length);
                var hasCurrent = _events.TryGetValue(stem, out var current);
                if (stem != force
                    && ((hasCurrent && current!.Stamp == stamp) || (!hasCurrent && _rejected.TryGetValue(stem, out var bad) && bad == stamp)))
                {
                    continue;
                }

                var loaded = Load(stem, path, stamp, hasGoodVersion: hasCurrent);
                if (loaded is not null)
                {
                    _rejected.Remove(stem);
                }
                else if (!hasCurrent)
                {
                    _rejected[stem] = stamp;
                }

                if (loaded is not null && (current is null || loaded.Snapshot.Version != current.Snapshot.Version))
                {
                    _events[stem] = loaded;
                    LogLoaded(stem, loaded.Snapshot.Event.Sessions.Count, loaded.Snapshot.Version);
                    Changed?.Invoke(stem);
                }
                else if (current is not null)
                {
                    _events[stem] = current with { Stamp = stamp };
                }
            }

            foreach (var stale in _rejected.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _rejected.Remove(stale);
            }

            foreach (var gone in _events.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _events.TryRemove(gone, out _);
                LogRemoved(gone);
                Changed?.Invoke(gone);
            }
        }
        finally
        {
            _reloadLock.Release();
        }

        Reloaded?.Invoke();
    }

    /// <summary>Raised after every pass over the folder (watcher, poll or admin write), whatever it found.</summary>
    internal event Action? Reloaded;

    /// <summary>Reads one file; null when it cannot be used, which is logged once (unless the file is still being written).</summary>
    private Entry? Load(string id, string path, (long Ticks, long Length) stamp, bool hasGoodVersion)
    {
        EventJson json;
        byte[] digest;
        try
        {
            // Parsed from the file in pieces, hashed as it is read: a schedule of tens of MB
            // never becomes one array, and the version is that of exactly the bytes parsed.
            using var file = new HashingReadStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024));
            json = JsonSerializer.Deserialize(file, EventJsonContext.Default.EventJson)
                ?? throw new JsonException("The file holds no JSON object.");
            digest = file.HashToEnd();
        }
        catch (IOException ex)
        {
            LogUnreadable(path, ex.Message);
            return null;
        }
        catch (JsonException ex)
        {
            Reject(path, stamp, hasGoodVersion, $"line {ex.LineNumber + 1}: {ex.Message}");
            return null;
        }

        try
        {
            var now = _time.GetUtcNow();
            var fileTime = Instant.FromDateTimeUtc(File.GetLastWriteTimeUtc(path));
            var parsed = EventJsonMapper.ToModel(json, fileTime, expectedId: id);
            var tracked = _tracker.Apply(parsed, Instant.FromDateTimeOffset(now));
            // Logged before the new version becomes visible, so a change feed cached under
            // the new version always holds its news.
            _changes.Record(tracked.Event, Instant.FromDateTimeOffset(now));
            var version = Convert.ToHexStringLower(digest.AsSpan(0, 8)) + "." + tracked.TrackingVersion;
            return new Entry(new EventSnapshot(tracked.Event, version), stamp);
        }
        catch (EventValidationException ex) when (ex.Errors.ContainsKey("id") && IdIn(path) is { Length: > 0 } other && other != id)
        {
            // The file name is the event id (it is in every URL); say which file disagrees and how to fix it.
            Reject(path, stamp, hasGoodVersion,
                $"its \"id\" is '{other}' but the file name {Path.GetFileName(path)} makes the event id '{id}': rename the file to {other}.json or set \"id\": \"{id}\"");
        }
        catch (EventValidationException ex)
        {
            Reject(path, stamp, hasGoodVersion, ex.Message);
        }

        return null;
    }

    private static string? IdIn(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return JsonSerializer.Deserialize(file, EventJsonContext.Default.EventJson)?.Id;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    private void Reject(string path, (long Ticks, long Length) stamp, bool hasGoodVersion, string reason)
    {
        // An editor's save can be seen half-written; when the file changed since we read it,
        // the reload its change triggers decides, so one save never logs an error and a load.
        var info = new FileInfo(path);
        if (!info.Exists || (info.LastWriteTimeUtc.Ticks, info.Length) != stamp)
        {
            return;
        }

        if (hasGoodVersion)
        {
            LogInvalid(path, reason);
        }
        else
        {
            LogInvalidNew(path, reason);
        }
    }

    private sealed record Entry(EventSnapshot Snapshot, (long Ticks, long Length) Stamp);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Loaded event {EventId}: {Sessions} sessions, version {Version}")]
    private partial void LogLoaded(string eventId, int sessions, string version);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Ignoring invalid event file {Path} (the last good version stays live): {Reason}")]
    private partial void LogInvalid(string path, string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "Ignoring invalid event file {Path} (the event is not served until the file is fixed): {Reason}")]
    private partial void LogInvalidNew(string path, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Could not read {Path}: {Reason}")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Event {EventId} removed (its file is gone)")]
    private partial void LogRemoved(string eventId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Reloading event files failed ({ErrorType}: {Message}); retrying at the next poll")]
    private partial void LogReloadFailed(string errorType, string message);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Events folder {Path} does not exist; no events are served")]
    private partial void LogMissingFolder(string path);
}
