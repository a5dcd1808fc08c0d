using System.Text.Json;
using FeedProxy.Agenda;
using FeedProxy.Push;
using Microsoft.Extensions.Options;

namespace FeedProxy.Gone;

/// <summary>Tombstones in "tombstones.json" under the state path (in memory only without one). Thread-safe.</summary>
internal sealed class FileTombstoneStore : ITombstoneStore
{
    private readonly string? _path;
    private readonly Lock _gate = new();
    private Dictionary<string, DateTimeOffset>? _entries;

    public FileTombstoneStore(IOptions<FeedProxyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = options.Value.StatePath;
        _path = string.IsNullOrWhiteSpace(state) ? null : Path.GetFullPath(Path.Combine(state, "tombstones.json"));
    }

    public Task RecordAsync(Tombstone tombstone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tombstone);
        lock (_gate)
        {
            Load()[Key(tombstone.Kind, tombstone.Id)] = tombstone.DeletedAt;
            Save();
        }

        return Task.CompletedTask;
    }

    public Task ClearAsync(TopicKind kind, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Load().Remove(Key(kind, id)))
            {
                Save();
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Tombstone>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var entries = Load();
            var expired = entries.Where(e => e.Value < since).Select(e => e.Key).ToList();
            foreach (var key in expired)
            {
                entries.Remove(key);
            }

            if (expired.Count > 0)
            {
                Save();
            }

            IReadOnlyList<Tombstone> list = [.. entries.Select(e => new Tombstone(e.Key.StartsWith("c:", StringComparison.Ordinal) ? TopicKind.Collection : TopicKind.Event, e.Key[2..], e.Value))];
            return Task.FromResult(list);
        }
    }

    private static string Key(TopicKind kind, string id) => (kind == TopicKind.Collection ? "c:" : "e:") + id;

    private Dictionary<string, DateTimeOffset> Load()
    {
        if (_entries is not null)
        {
            return _entries;
        }

        _entries = new(StringComparer.Ordinal);
        if (_path is not null && File.Exists(_path))
        {
            try
            {
                _entries = new(JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(File.ReadAllBytes(_path)) ?? [], StringComparer.Ordinal);
            }
            catch (JsonException)
            {
                // A damaged file only costs 410s (the feeds answer 404 instead); it is rewritten on the next change.
            }
        }

        return _entries;
    }

    private void Save()
    {
        if (_path is null || _entries is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        SecretFile.WriteAtomically(_path, JsonSerializer.Serialize(_entries));
    }
}
