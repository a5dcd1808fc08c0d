using FeedProxy.Formats.Model;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FeedProxy.Agenda;
using FeedProxy.Formats.Json;
using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>
/// The embedded store's refresh state of every source (validators, body hash, next due time,
/// failures and backoff) in one file under the state folder (<c>sources.json</c>), so that after a
/// restart a source is fetched when it is due, conditionally (RFC 9110 §13.1), and not once
/// unconditionally at start. Each entry names the definition it belongs to by a hash of its
/// content key (never the key itself: it holds header values, which are secrets), so a source
/// edited while the server was down starts afresh. Written atomically (temporary file, then
/// rename; owner-only); a missing file is a first start, an unreadable one is logged and ignored.
/// Not thread-safe: the caller (<see cref="FileSourceStore"/>) holds its lock.
/// </summary>
internal sealed partial class SourceStateFile(string? statePath, ILogger logger)
{
    public const string FileName = "sources.json";

    private readonly string? _path = string.IsNullOrWhiteSpace(statePath) ? null : Path.GetFullPath(Path.Combine(statePath, FileName));

    /// <summary>The hash that ties a stored state to one definition.</summary>
    public static string KeyOf(SourceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(definition.ContentKey)));
    }

    /// <summary>Stored states by event id, each with its definition's key hash; empty when there are none or the file is unreadable.</summary>
    public Dictionary<string, (string Key, SourceStatus Status)> Load()
    {
        var result = new Dictionary<string, (string, SourceStatus)>(StringComparer.Ordinal);
        if (_path is null || !File.Exists(_path))
        {
            return result;
        }

        try
        {
            var document = JsonSerializer.Deserialize(File.ReadAllBytes(_path), SourceStateJsonContext.Default.SourceStateDocument);
            foreach (var (eventId, entry) in document?.Sources ?? [])
            {
                if (ScheduleId.IsValid(eventId) && entry is { Key.Length: 64 })
                {
                    result[eventId] = (entry.Key, entry.ToStatus());
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogUnreadable(_path, ex.Message);
            result.Clear();
        }

        return result;
    }

    public void Save(IEnumerable<KeyValuePair<string, (string Key, SourceStatus Status)>> entries)
    {
        if (_path is null)
        {
            return;
        }

        var document = new SourceStateDocument
        {
            Sources = entries.ToDictionary(e => e.Key, e => SourceStateEntry.From(e.Value.Key, e.Value.Status), StringComparer.Ordinal),
        };
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            SecretFile.WriteAtomically(_path, JsonSerializer.Serialize(document, SourceStateJsonContext.Default.SourceStateDocument));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogUnwritable(_path, ex.Message);
        }
    }

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Source state {Path} is unreadable ({Reason}); every source is fetched once without validators")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "Cannot write source state {Path} ({Reason}); it is kept in memory only")]
    private partial void LogUnwritable(string path, string reason);
}

internal sealed class SourceStateDocument
{
    public Dictionary<string, SourceStateEntry>? Sources { get; set; }
}

/// <summary>One source's state as stored; instants as Unix milliseconds. A lease is never stored: after a restart nothing is in flight.</summary>
internal sealed class SourceStateEntry
{
    public string? Key { get; set; }
    public long Generation { get; set; }
    public long? NextDue { get; set; }
    public int Failures { get; set; }
    public long? LastAttempt { get; set; }
    public long? LastSuccess { get; set; }
    public long? LastChange { get; set; }
    public string? LastError { get; set; }
    public string? LastResult { get; set; }
    public string? ETag { get; set; }
    public string? LastModified { get; set; }
    public string? BodyHash { get; set; }
    public string? Warnings { get; set; }

    public static SourceStateEntry From(string key, SourceStatus status) => new()
    {
        Key = key,
        Generation = status.Generation,
        NextDue = Ms(status.NextDue),
        Failures = status.Failures,
        LastAttempt = Ms(status.LastAttempt),
        LastSuccess = Ms(status.LastSuccess),
        LastChange = Ms(status.LastChange),
        LastError = status.LastError,
        LastResult = status.LastResult,
        ETag = status.ETag,
        LastModified = status.LastModified,
        BodyHash = status.BodyHash,
        Warnings = status.Warnings,
    };

    public SourceStatus ToStatus() => new()
    {
        Generation = Generation,
        NextDue = At(NextDue),
        Failures = Math.Max(0, Failures),
        LastAttempt = At(LastAttempt),
        LastSuccess = At(LastSuccess),
        LastChange = At(LastChange),
        LastError = LastError,
        LastResult = LastResult,
        ETag = ETag,
        LastModified = LastModified,
        BodyHash = BodyHash,
        Warnings = Warnings,
    };

    private static long? Ms(Instant? instant) => instant?.ToUnixTimeMilliseconds();

    // Out-of-range numbers in a hand-edited file are treated as absent rather than thrown.
    private static Instant? At(long? ms) =>
        ms is { } v && v >= Instant.MinValue.ToUnixTimeMilliseconds() && v <= Instant.MaxValue.ToUnixTimeMilliseconds() ? Instant.FromUnixTimeMilliseconds(v) : null;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SourceStateDocument))]
internal sealed partial class SourceStateJsonContext : JsonSerializerContext;
