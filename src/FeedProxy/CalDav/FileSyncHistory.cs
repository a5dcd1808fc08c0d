using FeedProxy.Changes;
using Microsoft.Extensions.Options;

namespace FeedProxy.CalDav;

/// <summary>
/// Sync history of the embedded store: one file per manifest in
/// <c>{StatePath}/caldav/{calendar}/{token}</c>, its write time the last time it was current.
/// Remembering a manifest purges that calendar's files older than the change retention.
/// </summary>
internal sealed partial class FileSyncHistory(IOptions<FeedProxyOptions> options, IOptions<ChangeOptions> changes, TimeProvider time, ILogger<FileSyncHistory> logger) : ISyncHistory
{
    private readonly string _root = Path.GetFullPath(Path.Combine(options.Value.StatePath, "caldav"));
    private readonly Lock _gate = new();
    private bool _writeFailed;

    public async ValueTask<byte[]?> GetAsync(string calendar, string token, CancellationToken cancellationToken)
    {
        if (PathOf(calendar, token) is not { } path)
        {
            return null;
        }

        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public ValueTask RememberAsync(string calendar, string token, byte[] manifest, CancellationToken cancellationToken)
    {
        if (PathOf(calendar, token) is not { } path || _writeFailed)
        {
            return ValueTask.CompletedTask;
        }

        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            try
            {
                var folder = Path.GetDirectoryName(path)!;
                Directory.CreateDirectory(folder);
                if (File.Exists(path))
                {
                    File.SetLastWriteTimeUtc(path, now);
                    return ValueTask.CompletedTask;
                }

                var temp = path + ".tmp";
                File.WriteAllBytes(temp, manifest);
                File.Move(temp, path, overwrite: true);
                File.SetLastWriteTimeUtc(path, now);
                var horizon = now - TimeSpan.FromDays(Math.Max(1, changes.Value.RetentionDays));
                foreach (var old in Directory.EnumerateFiles(folder))
                {
                    if (File.GetLastWriteTimeUtc(old) < horizon)
                    {
                        File.Delete(old);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _writeFailed = true;
                LogWriteFailed(_root, ex.Message);
            }
        }

        return ValueTask.CompletedTask;
    }

    // Calendar keys and tokens are ids and hex made here, but they name files: anything else is refused.
    private string? PathOf(string calendar, string token)
    {
        if (token.Length != 32 || !token.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var folder = calendar.Replace(':', '~');
        return folder.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') && !folder.StartsWith('.')
            ? Path.Combine(_root, folder, token)
            : null;
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "Cannot write CalDAV sync history to {Path} ({Message}); sync tokens issued from now on may not be recognised after a restart")]
    private partial void LogWriteFailed(string path, string message);
}
