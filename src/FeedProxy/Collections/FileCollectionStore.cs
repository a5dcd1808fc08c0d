using FeedProxy.Formats.Model;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using FeedProxy.Formats.Json;
using FeedProxy.Private;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Collections;

/// <summary>
/// Collections of the embedded mode: one JSON file per collection in
/// <see cref="FeedProxyOptions.CollectionsPath"/> (config/collections/{id}.json). Every read
/// compares the file's write time and size with what was parsed last, so an edit is live at
/// the next request, with no watcher to miss it. A file that does not parse or validate is
/// logged and the last good definition stays live, as with event files.
/// </summary>
internal sealed partial class FileCollectionStore : ICollectionStore
{
    private readonly string _folder;
    private readonly string? _tokenPath;
    private readonly ILogger<FileCollectionStore> _logger;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _writeGate = new();

    public FileCollectionStore(IOptions<FeedProxyOptions> options, ILogger<FileCollectionStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _folder = Path.GetFullPath(options.Value.CollectionsPath);
        var state = options.Value.StatePath;
        _tokenPath = string.IsNullOrWhiteSpace(state) ? null : Path.GetFullPath(Path.Combine(state, "collection-tokens.json"));
        _logger = logger;
    }

    public ValueTask<CollectionSnapshot?> GetAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ScheduleId.IsValid(id) ? Read(id) : null);

    public ValueTask<IReadOnlyList<CollectionSnapshot>> ListAsync(CancellationToken cancellationToken)
    {
        var files = Directory.Exists(_folder) ? Directory.GetFiles(_folder, "*.json") : [];
        IReadOnlyList<CollectionSnapshot> list =
        [
            .. files.Select(Path.GetFileNameWithoutExtension)
                .Where(ScheduleId.IsValid)
                .Order(StringComparer.Ordinal)
                .Select(id => Read(id!))
                .OfType<CollectionSnapshot>(),
        ];
        return ValueTask.FromResult(list);
    }

    public ValueTask<bool> PutAsync(CollectionDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var path = PathOf(definition.Id);
        lock (_writeGate)
        {
            Directory.CreateDirectory(_folder);
            var created = !File.Exists(path);
            var json = CollectionJsonMapper.ToJson(definition);
            json.Id = null; // the file name is the id
            var temp = path + ".tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(json, CollectionJsonContext.Default.CollectionJson));
            File.Move(temp, path, overwrite: true);
            _entries.TryRemove(definition.Id, out _);
            return ValueTask.FromResult(created);
        }
    }

    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        lock (_writeGate)
        {
            var existed = File.Exists(path);
            File.Delete(path);
            _entries.TryRemove(id, out _);
            return ValueTask.FromResult(existed);
        }
    }

    public ValueTask<string?> GetTokenAsync(string id, CancellationToken cancellationToken)
    {
        lock (_writeGate)
        {
            return ValueTask.FromResult(ReadTokens().GetValueOrDefault(id));
        }
    }

    public ValueTask<string?> RotateTokenAsync(string id, CancellationToken cancellationToken)
    {
        if (Read(id) is null)
        {
            return ValueTask.FromResult<string?>(null);
        }

        lock (_writeGate)
        {
            var tokens = ReadTokens();
            // Only the hash is stored (as for private events): the state folder cannot open the feed.
            var token = AccessTokens.NewToken();
            tokens[id] = AccessTokens.Hash(token);
            if (_tokenPath is null)
            {
                throw new InvalidOperationException("Private collections need FeedProxy:StatePath to keep their tokens.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_tokenPath)!);
            var temp = _tokenPath + ".tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(tokens));
            File.Move(temp, _tokenPath, overwrite: true);
            return ValueTask.FromResult<string?>(token);
        }
    }

    private Dictionary<string, string> ReadTokens()
    {
        if (_tokenPath is null || !File.Exists(_tokenPath))
        {
            return new(StringComparer.Ordinal);
        }

        var tokens = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(_tokenPath));
        return tokens is null ? new(StringComparer.Ordinal) : new(tokens, StringComparer.Ordinal);
    }

    private string PathOf(string id) => Path.Combine(_folder, id + ".json");

    private CollectionSnapshot? Read(string id)
    {
        _entries.TryGetValue(id, out var current);
        // An unchanged file costs one stat and no allocation (a FileInfo and its paths were
        // ~400 bytes on every request for a collection feed, 304s included). The write time
        // alone decides here; our own writes replace the file (a new write time), and an edit
        // in place within the write-time resolution of the file system (nanoseconds on ext4,
        // xfs, tmpfs and overlayfs) with the same time is seen at the next edit.
        if (current is not null && File.GetLastWriteTimeUtc(current.Path).Ticks == current.Stamp.Ticks)
        {
            return current.Snapshot;
        }

        var info = new FileInfo(current?.Path ?? PathOf(id));
        if (!info.Exists)
        {
            if (current is not null)
            {
                _entries.TryRemove(id, out _);
            }

            return null;
        }

        var stamp = (info.LastWriteTimeUtc.Ticks, info.Length);
        var loaded = Load(id, info, (info.FullName, stamp));
        if (loaded is null)
        {
            // Invalid or half-written: the last good definition stays, re-checked when the file changes.
            if (current is not null)
            {
                _entries[id] = current with { Stamp = stamp };
            }

            return current?.Snapshot;
        }

        _entries[id] = loaded;
        if (current is null || current.Snapshot.Version != loaded.Snapshot.Version)
        {
            LogLoaded(id, loaded.Snapshot.Definition.Members.Count, loaded.Snapshot.Version);
        }

        return loaded.Snapshot;
    }

    private Entry? Load(string id, FileInfo info, (string Path, (long, long) Stamp) file)
    {
        try
        {
            var bytes = File.ReadAllBytes(info.FullName);
            var json = JsonSerializer.Deserialize(bytes, CollectionJsonContext.Default.CollectionJson)
                ?? throw new JsonException("The file holds no JSON object.");
            var definition = CollectionJsonMapper.ToModel(json, id, Instant.FromDateTimeUtc(info.LastWriteTimeUtc));
            var version = "f" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
            return new Entry(new CollectionSnapshot(definition, version), file.Stamp, file.Path);
        }
        catch (JsonException ex)
        {
            LogInvalid(info.FullName, $"line {ex.LineNumber + 1}: {ex.Message}");
        }
        catch (EventValidationException ex)
        {
            LogInvalid(info.FullName, ex.Message);
        }
        catch (IOException ex)
        {
            LogInvalid(info.FullName, ex.Message);
        }

        return null;
    }

    // Stamp: write time and length when the file was last read; a lookup compares the write time.
    private sealed record Entry(CollectionSnapshot Snapshot, (long Ticks, long Length) Stamp, string Path);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Loaded collection {CollectionId}: {Members} members, version {Version}")]
    private partial void LogLoaded(string collectionId, int members, string version);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "Ignoring invalid collection file {Path} (the last good version stays live): {Reason}")]
    private partial void LogInvalid(string path, string reason);
}
