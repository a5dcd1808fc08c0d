using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FeedProxy.Agenda;

/// <summary>
/// The key agenda codes are signed with. FeedProxy:AgendaSecret wins (set it to the same
/// value on every instance); otherwise a random 256-bit key is generated once and kept in
/// "agenda-secret" under the state path, so codes survive restarts. Changing the key
/// invalidates every agenda URL ever handed out.
/// </summary>
internal sealed partial class AgendaKeyProvider(IOptions<FeedProxyOptions> options, ILogger<AgendaKeyProvider> logger)
{
    internal const string FileName = "agenda-secret";

    private readonly Lazy<AgendaCode> _codes = new(() => new AgendaCode(LoadKey(options.Value, logger)));

    public AgendaCode Codes => _codes.Value;

    private static byte[] LoadKey(FeedProxyOptions options, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.AgendaSecret))
        {
            // Derive a fixed-size key so any configured text (length, alphabet) works.
            return SHA256.HashData(Encoding.UTF8.GetBytes("feedproxy-agenda\0" + options.AgendaSecret));
        }

        if (string.IsNullOrWhiteSpace(options.StatePath))
        {
            LogEphemeral(logger);
            return RandomNumberGenerator.GetBytes(32);
        }

        var path = Path.GetFullPath(Path.Combine(options.StatePath, FileName));
        try
        {
            if (File.Exists(path) && Convert.FromBase64String(File.ReadAllText(path).Trim()) is { Length: >= 32 } existing)
            {
                return existing;
            }

            var key = RandomNumberGenerator.GetBytes(32);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            SecretFile.WriteAtomically(path, Convert.ToBase64String(key));
            LogGenerated(logger, path);
            return key;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            LogUnusable(logger, path, ex.Message);
            return RandomNumberGenerator.GetBytes(32);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Generated the agenda signing key in {Path}; set FeedProxy:AgendaSecret to share one key between instances")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "No FeedProxy:AgendaSecret and no state path: agenda URLs stop working at the next restart")]
    private static partial void LogEphemeral(ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Cannot use the agenda key file {Path} ({Reason}); agenda URLs stop working at the next restart")]
    private static partial void LogUnusable(ILogger logger, string path, string reason);
}
