using FeedProxy.Formats.Model;
using System.Text.Json;
using FeedProxy.Formats.Json;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>
/// Sources of the embedded store: one file <c>{id}.source.json</c> next to the event files
/// (README "Live sources"), written by the admin API or by hand. The refresh state (validators,
/// next due time, backoff) is kept in the state folder (<see cref="SourceStateFile"/>), so a
/// restart goes on with conditional requests when each source is due. One process owns the
/// folder, so claiming is a lock.
/// </summary>
internal sealed partial class FileSourceStore : ISourceStore
{
    public const string Suffix = ".source.json";

    private readonly string _folder;
    private readonly UpstreamOptions _upstream;
    private readonly TimeProvider _time;
    private readonly ILogger<FileSourceStore> _logger;
    private readonly SourceStateFile _state;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Ticks, long Length, SourceDefinition? Definition)> _files = new(StringComparer.Ordinal);

    /// <summary>States read from the state file and not yet matched with their definition (keyed by its hash).</summary>
    private readonly Dictionary<string, (string Key, SourceStatus Status)> _restored;

    public FileSourceStore(IOptions<FeedProxyOptions> options, TimeProvider time, ILogger<FileSourceStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _folder = Path.GetFullPath(options.Value.EventsPath);
        _upstream = options.Value.Upstream;
        _time = time;
        _logger = logger;
        _state = new SourceStateFile(options.Value.StatePath, logger);
        _restored = _state.Load();
    }

    /// <summary>A definition's status; <paramref name="Hash"/> is <see cref="SourceStateFile.KeyOf"/> of <paramref name="Key"/>.</summary>
    private sealed record Entry(string Key, string Hash, SourceStatus Status);

    public Task<(SourceDefinition Definition, SourceStatus Status)?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var definition = Load(eventId);
            return Task.FromResult<(SourceDefinition, SourceStatus)?>(definition is null ? null : (definition, StatusOf(definition)));
        }
    }

    public async Task PutAsync(SourceDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Directory.CreateDirectory(_folder);
        var path = PathOf(definition.EventId);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(SourceJson.From(definition), SourceJsonContext.Default.SourceJson), cancellationToken);
        File.Move(temp, path, overwrite: true);
        lock (_gate)
        {
            _files.Remove(definition.EventId);
            var generation = Math.Max(
                _entries.TryGetValue(definition.EventId, out var old) ? old.Status.Generation : 0,
                _restored.Remove(definition.EventId, out var stored) ? stored.Status.Generation : 0) + 1;
            // A refresh of the old definition may be running: its lease stays (ISourceStore.PutAsync).
            _entries[definition.EventId] = new Entry(
                definition.ContentKey, SourceStateFile.KeyOf(definition),
                new SourceStatus { Generation = generation, NextDue = Now(), ClaimedUntil = old?.Status.ClaimedUntil });
            Persist();
        }
    }

    public Task<bool> DeleteAsync(string eventId, CancellationToken cancellationToken)
    {
        if (!ScheduleId.IsValid(eventId))
        {
            return Task.FromResult(false);
        }

        lock (_gate)
        {
            var path = PathOf(eventId);
            var existed = File.Exists(path);
            if (existed)
            {
                File.Delete(path);
            }

            _files.Remove(eventId);
            _entries.Remove(eventId);
            _restored.Remove(eventId);
            Persist();
            return Task.FromResult(existed);
        }
    }

    public Task<IReadOnlyDictionary<string, Instant?>> ListDueAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var due = new Dictionary<string, Instant?>(StringComparer.Ordinal);
            foreach (var definition in All())
            {
                due[definition.EventId] = StatusOf(definition).NextDue;
            }

            return Task.FromResult<IReadOnlyDictionary<string, Instant?>>(due);
        }
    }

    public Task<ClaimedSource?> ClaimAsync(string? eventId, Duration lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = Now();
            var candidates = eventId is null ? All() : Load(eventId) is { } one ? [one] : [];
            foreach (var definition in candidates.OrderBy(d => StatusOf(d).NextDue ?? now))
            {
                var status = StatusOf(definition);
                if (status.ClaimedUntil is { } until && until > now)
                {
                    continue;
                }

                if (eventId is null && status.NextDue is { } due && due > now)
                {
                    continue;
                }

                var claimed = status with { ClaimedUntil = now + lease, NextDue = now + Duration.FromSeconds(definition.RefreshSeconds) };
                _entries[definition.EventId] = _entries[definition.EventId] with { Status = claimed };
                return Task.FromResult<ClaimedSource?>(new ClaimedSource(definition, claimed));
            }

            return Task.FromResult<ClaimedSource?>(null);
        }
    }

    public Task CompleteAsync(string eventId, SourceStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (_gate)
        {
            if (!_entries.TryGetValue(eventId, out var entry))
            {
                return Task.CompletedTask;
            }

            if (entry.Status.Generation == status.Generation)
            {
                _entries[eventId] = entry with { Status = status with { ClaimedUntil = null, NextDue = status.NextDue ?? entry.Status.NextDue } };
                Persist();
            }
            else if (status.ClaimedUntil is { } lease && entry.Status.ClaimedUntil == lease)
            {
                // The definition was replaced during this refresh: only its lease is handed back.
                _entries[eventId] = entry with { Status = entry.Status with { ClaimedUntil = null } };
            }
        }

        return Task.CompletedTask;
    }

    public Task MakeDueAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = Now();
            if (_entries.TryGetValue(eventId, out var entry) && (entry.Status.NextDue is not { } due || due > now))
            {
                _entries[eventId] = entry with { Status = entry.Status with { NextDue = now } };
                Persist();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The status of a definition: the one in memory, else the one stored before a restart, else
    /// a fresh one. A definition edited by hand (another content key) starts afresh.
    /// </summary>
    private SourceStatus StatusOf(SourceDefinition definition)
    {
        if (_entries.TryGetValue(definition.EventId, out var entry) && entry.Key == definition.ContentKey)
        {
            return entry.Status;
        }

        var hash = SourceStateFile.KeyOf(definition);
        if (entry is null && _restored.Remove(definition.EventId, out var stored))
        {
            if (stored.Key == hash)
            {
                _entries[definition.EventId] = new Entry(definition.ContentKey, hash, stored.Status);
                return stored.Status;
            }

            entry = new Entry(string.Empty, stored.Key, stored.Status);
        }

        var fresh = new SourceStatus { Generation = (entry?.Status.Generation ?? 0) + 1, NextDue = Now(), ClaimedUntil = entry?.Status.ClaimedUntil };
        _entries[definition.EventId] = new Entry(definition.ContentKey, hash, fresh);
        return fresh;
    }

    /// <summary>Writes every known state (restored ones not yet matched included, so a source file that is briefly invalid keeps its state).</summary>
    private void Persist()
    {
        var all = new Dictionary<string, (string Key, SourceStatus Status)>(_restored, StringComparer.Ordinal);
        foreach (var (eventId, entry) in _entries)
        {
            all[eventId] = (entry.Hash, entry.Status with { ClaimedUntil = null });
        }

        _state.Save(all);
    }

    private List<SourceDefinition> All()
    {
        if (!Directory.Exists(_folder))
        {
            return [];
        }

        var list = new List<SourceDefinition>();
        foreach (var path in Directory.GetFiles(_folder, "*" + Suffix).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (Load(name[..^Suffix.Length]) is { } definition)
            {
                list.Add(definition);
            }
        }

        return list;
    }

    private SourceDefinition? Load(string eventId)
    {
        if (!ScheduleId.IsValid(eventId))
        {
            return null;
        }

        var path = PathOf(eventId);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            _files.Remove(eventId);
            return null;
        }

        if (_files.TryGetValue(eventId, out var cached) && cached.Ticks == info.LastWriteTimeUtc.Ticks && cached.Length == info.Length)
        {
            return cached.Definition;
        }

        SourceDefinition? definition = null;
        try
        {
            var json = JsonSerializer.Deserialize(File.ReadAllBytes(path), SourceJsonContext.Default.SourceJson);
            if (json is null)
            {
                LogInvalid(path, "empty");
            }
            else if ((definition = json.ToDefinition(eventId, _upstream, null, out var errors)) is null)
            {
                LogInvalid(path, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogInvalid(path, ex.Message);
        }

        _files[eventId] = (info.LastWriteTimeUtc.Ticks, info.Length, definition);
        return definition;
    }

    private string PathOf(string eventId) =>
        ScheduleId.IsValid(eventId) ? Path.Combine(_folder, eventId + Suffix) : throw new ArgumentException("Invalid event id.", nameof(eventId));

    private Instant Now() => Instant.FromDateTimeOffset(_time.GetUtcNow());

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Source file {Path} is not valid and is ignored: {Problem}")]
    private partial void LogInvalid(string path, string problem);
}
