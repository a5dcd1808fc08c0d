using Microsoft.Net.Http.Headers;
using NodaTime;

namespace FeedProxy.Http;

/// <summary>
/// RFC 9110 §13.1/§13.2 evaluation for GET and HEAD: If-None-Match first (lists, "*",
/// weak comparison) and, only when it is absent, If-Modified-Since. An If-Modified-Since
/// that is not a valid HTTP-date is ignored — answering 304 to anything stalls clients.
/// </summary>
internal static class ConditionalRequest
{
    public static bool IsNotModified(HttpRequest request, string etag, Instant lastModified) =>
        IsNotModified(request, etag, lastModified, lastModifiedHeader: null);

    /// <param name="lastModifiedHeader">
    /// The Last-Modified field value sent for <paramref name="lastModified"/>, when known: a
    /// client echoing it back (the usual case) is answered by an ordinal comparison, no parse.
    /// </param>
    public static bool IsNotModified(HttpRequest request, string etag, Instant lastModified, string? lastModifiedHeader)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers;
        var ifNoneMatch = headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
            return MatchesAny(ifNoneMatch, etag);
        }

        var ifModifiedSince = headers.IfModifiedSince;
        if (ifModifiedSince.Count != 1 || ifModifiedSince[0] is not { } value)
        {
            return false;
        }

        if (lastModifiedHeader is not null && string.Equals(value, lastModifiedHeader, StringComparison.Ordinal))
        {
            return true;
        }

        // RFC 9110 §13.1.3: 304 when the representation was not modified after the date, at
        // the one-second resolution of HTTP-dates. IMF-fixdate on a span; the obsolete forms
        // (RFC 850, asctime) and anything unusual go through the general parser.
        if (HttpDate.TryParseImfFixdate(value, out var since))
        {
            return lastModified.ToUnixTimeSeconds() <= since;
        }

        return HeaderUtilities.TryParseDate(value, out var parsed)
            && lastModified.ToUnixTimeSeconds() <= parsed.ToUnixTimeSeconds();
    }

    /// <summary>Weak comparison (RFC 9110 §8.8.3.2): opaque tags equal, W/ prefixes ignored.</summary>
    internal static bool MatchesAny(Microsoft.Extensions.Primitives.StringValues headerValues, string etag)
    {
        var target = Opaque(etag);
        foreach (var header in headerValues)
        {
            if (header is null)
            {
                continue;
            }

            // Entity tags may contain commas inside quotes; split on commas outside quotes only.
            var span = header.AsSpan();
            var start = 0;
            var quoted = false;
            for (var i = 0; i <= span.Length; i++)
            {
                if (i == span.Length || (span[i] == ',' && !quoted))
                {
                    var part = span[start..i].Trim();
                    if (part.Length > 0 && (part.SequenceEqual("*") || Opaque(part).SequenceEqual(target)))
                    {
                        return true;
                    }

                    start = i + 1;
                }
                else if (span[i] == '"')
                {
                    quoted = !quoted;
                }
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> Opaque(ReadOnlySpan<char> tag)
    {
        var span = tag.Trim();
        if (span.StartsWith("W/", StringComparison.Ordinal))
        {
            span = span[2..];
        }

        return span;
    }
}
