using System.Text.Json;
using FeedProxy.Agenda;
using Microsoft.Extensions.Options;

namespace FeedProxy.Private;

/// <summary>
/// Token hashes (<see cref="AccessTokens.Hash"/>) in "access-tokens.json" under the state
/// path (owner-only file mode); a file from before hashing is rewritten hashed when read. Every read
/// checks the file's write time and size and re-reads it when they changed, so a rotation
/// by another process sharing the folder takes effect on the next request. Without a state
/// path tokens live in memory only.
/// </summary>
internal sealed partial class FileAccessTokenStore : IAccessTokenStore
{
    internal const string FileName = "access-tokens.json";

    private readonly string? _path;
    private readonly ILogger<FileAccessTokenStore> _logger;
    private readonly Lock _gate = new();
    private Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private (long Ticks, long Length) _stamp = (-1, -1);

    public FileAccessTokenStore(IOptions<FeedProxyOptions> options, ILogger<FileAccessTokenStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = options.Value.StatePath;
        _path = string.IsNullOrWhiteSpace(state) ? null : Path.GetFullPath(Path.Combine(state, FileName));
        _logger = logger;
    }

    public ValueTask<string?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Refresh();
            return ValueTask.FromResult(_tokens.GetValueOrDefault(eventId));
        }
    }

    public ValueTask<string> RotateAsync(string eventId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        lock (_gate)
        {
            Refresh();
            var token = AccessTokens.NewToken();
            var next = new Dictionary<string, string>(_tokens, StringComparer.Ordinal) { [eventId] = AccessTokens.Hash(token) };
            if (_path is not null)
            {
                // Written before it is used: a token that was not persisted must not be handed out.
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                SecretFile.WriteAtomically(_path, JsonSerializer.Serialize(next));
                _stamp = Stamp(_path);
            }

            _tokens = next;
            LogRotated(eventId);
            return ValueTask.FromResult(token);
        }
    }

    private void Refresh()
    {
        if (_path is null)
        {
            return;
        }

        var stamp = Stamp(_path);
        if (stamp == _stamp)
        {
            return;
        }

        try
        {
            _tokens = stamp.Length < 0
                ? new(StringComparer.Ordinal)
                : new Dictionary<string, string>(
                    JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(_path)) ?? [],
                    StringComparer.Ordinal);
            _stamp = stamp;
            if (_tokens.Values.Any(v => !AccessTokens.IsHashed(v)))
            {
                // Written before tokens were hashed: hash them in place (the URLs keep working).
                _tokens = _tokens.ToDictionary(p => p.Key, p => AccessTokens.IsHashed(p.Value) ? p.Value : AccessTokens.Hash(p.Value), StringComparer.Ordinal);
                SecretFile.WriteAtomically(_path, JsonSerializer.Serialize(_tokens));
                _stamp = Stamp(_path);
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            // Fail closed: an unreadable file means no private URL works until it is fixed.
            _tokens = new(StringComparer.Ordinal);
            LogUnreadable(ex.Message);
        }
    }

    private static (long Ticks, long Length) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc.Ticks, info.Length) : (-1, -1);
    }

    // The event id only: tokens are never logged.
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Rotated the private URL token of event {EventId}")]
    private partial void LogRotated(string eventId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "The private token file is unreadable ({Reason}); private URLs answer 404 until it is fixed")]
    private partial void LogUnreadable(string reason);
}
