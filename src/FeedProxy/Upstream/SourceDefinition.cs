using FeedProxy.Formats.Model;
using System.Text.Json.Serialization;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Upstream;

namespace FeedProxy.Upstream;

/// <summary>
/// Where an event's schedule lives. <see cref="Headers"/> are secrets (an Authorization header):
/// kept in the store, sent upstream, never logged and never returned by the admin API.
/// </summary>
public sealed record SourceDefinition(
    string EventId,
    SourceKind Kind,
    Uri Url,
    int RefreshSeconds,
    string? TimeZone,
    IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Changes whenever anything that decides the fetched content changes: part of the body hash.</summary>
    public string ContentKey => $"{Kind.ToWireName()}\u001f{Url.AbsoluteUri}\u001f{TimeZone}\u001f{string.Join('\u001e', Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => h.Key + "\u001f" + h.Value))}";
}

/// <summary>The source as written in a request body or a <c>{id}.source.json</c> file.</summary>
public sealed class SourceJson
{
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("refreshSeconds")]
    public int? RefreshSeconds { get; set; }

    [JsonPropertyName("timeZone")]
    public string? TimeZone { get; set; }

    /// <summary>Absent or null: keep the stored headers (GET never shows them); {}: none.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    private static readonly HashSet<string> ForbiddenHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "TE", "Trailer", "Keep-Alive",
        "Proxy-Connection", "Proxy-Authorization", "If-None-Match", "If-Modified-Since", "Accept-Encoding",
    };

    /// <summary>Validates and normalises (webcal:// becomes https://); errors are keyed by field like the event validation.</summary>
    public SourceDefinition? ToDefinition(string eventId, UpstreamOptions options, IReadOnlyDictionary<string, string>? storedHeaders, out Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!ScheduleId.IsValid(eventId))
        {
            errors["eventId"] = ["1-128 letters, digits, '.', '_' or '-'."];
        }

        if (!SourceKinds.TryParse(Kind, out var kind))
        {
            errors["kind"] = ["One of openevent, schedule, ics, feed."];
        }

        var url = ParseUrl(Url, out var urlError);
        if (urlError is not null)
        {
            errors["url"] = [urlError];
        }

        var refresh = RefreshSeconds ?? Math.Max(options.DefaultRefreshSeconds, options.MinRefreshSeconds);
        if (refresh < options.MinRefreshSeconds || refresh > 7 * 86_400)
        {
            errors["refreshSeconds"] = [$"Between {options.MinRefreshSeconds} (FeedProxy__Upstream__MinRefreshSeconds) and 604800 seconds."];
        }

        var zone = string.IsNullOrWhiteSpace(TimeZone) ? null : TimeZone.Trim();
        if (zone is not null && NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
        {
            errors["timeZone"] = ["An IANA time zone id such as Europe/Brussels."];
        }

        var headers = Headers ?? storedHeaders?.ToDictionary(StringComparer.OrdinalIgnoreCase) ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (headers.Count > 20)
        {
            errors["headers"] = ["At most 20 headers."];
        }

        foreach (var (name, value) in headers)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || !name.All(c => c > 32 && c < 127 && c != ':') || ForbiddenHeaders.Contains(name))
            {
                errors[$"headers['{(name.Length > 40 ? name[..40] : name)}']"] = ["Not a header this source may set."];
            }
            else if (value is null || value.Length > 4096 || value.Any(c => c is '\r' or '\n' or '\0'))
            {
                errors[$"headers['{name}']"] = ["A single-line value of at most 4096 characters."];
            }
        }

        return errors.Count == 0
            ? new SourceDefinition(eventId, kind, url!, refresh, zone, new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase))
            : null;
    }

    /// <summary>http and https only; webcal/webcals are the subscribe spelling of https (RFC-less, universal practice).</summary>
    public static Uri? ParseUrl(string? text, out string? error)
    {
        error = null;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 2048)
        {
            error = "An absolute http or https URL of at most 2048 characters.";
            return null;
        }

        if (value.StartsWith("webcal://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("webcals://", StringComparison.OrdinalIgnoreCase))
        {
            value = "https://" + value[(value.IndexOf("://", StringComparison.Ordinal) + 3)..];
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            error = "Only http, https and webcal URLs.";
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            error = "No credentials in the URL: put them in 'headers' (kept secret).";
            return null;
        }

        return uri;
    }

    public static SourceJson From(SourceDefinition definition) => new()
    {
        Kind = definition.Kind.ToWireName(),
        Url = definition.Url.AbsoluteUri,
        RefreshSeconds = definition.RefreshSeconds,
        TimeZone = definition.TimeZone,
        Headers = new Dictionary<string, string>(definition.Headers, StringComparer.OrdinalIgnoreCase),
    };
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SourceJson))]
[JsonSerializable(typeof(SourceView))]
internal sealed partial class SourceJsonContext : JsonSerializerContext;
