using FeedProxy.Feeds;
using Microsoft.Net.Http.Headers;

namespace FeedProxy.Http;

/// <summary>Picks br, gzip or identity from Accept-Encoding (RFC 9110 §12.5.3), honouring q=0.</summary>
internal static class ContentCodingNegotiation
{
    public static ContentCoding Select(HttpRequest request, RenderedFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return Select(request, feed.Has(ContentCoding.Gzip), feed.Has(ContentCoding.Brotli));
    }

    public static ContentCoding Select(HttpRequest request, bool hasGzip, bool hasBrotli)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0)
        {
            return ContentCoding.Identity;
        }

        // What nearly every client sends ("gzip, deflate, br"): one list without weights, so
        // every listed coding has q=1. Decided without parsing into objects; anything with a
        // weight or odd characters takes the full parser below.
        if (header.Count == 1 && TrySelectUnweighted(header[0], hasGzip, hasBrotli, out var simple))
        {
            return simple;
        }

        if (!StringWithQualityHeaderValue.TryParseList(header, out var values))
        {
            return ContentCoding.Identity;
        }

        double Quality(string coding)
        {
            double? star = null;
            foreach (var value in values)
            {
                if (value.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
                {
                    return value.Quality ?? 1;
                }

                if (value.Value.Equals("*", StringComparison.Ordinal))
                {
                    star = value.Quality ?? 1;
                }
            }

            return star ?? 0;
        }

        var brotli = hasBrotli ? Quality("br") : 0;
        var gzip = hasGzip ? Quality("gzip") : 0;
        if (brotli > 0 && brotli >= gzip)
        {
            return ContentCoding.Brotli;
        }

        return gzip > 0 ? ContentCoding.Gzip : ContentCoding.Identity;
    }

    private static bool TrySelectUnweighted(string? header, bool hasGzip, bool hasBrotli, out ContentCoding coding)
    {
        coding = ContentCoding.Identity;
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        bool gzip = false, brotli = false;
        foreach (var range in header.AsSpan().Split(','))
        {
            var token = header.AsSpan()[range].Trim(' ').Trim('\t');
            if (token.IsEmpty)
            {
                continue;
            }

            foreach (var c in token)
            {
                // RFC 9110 §5.6.2 token characters only; ';' (a weight) and the rest go to the full parser.
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '^' or '`' or '|' or '~'))
                {
                    return false;
                }
            }

            var star = token.SequenceEqual("*");
            brotli |= star || token.Equals("br", StringComparison.OrdinalIgnoreCase);
            gzip |= star || token.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        }

        coding = brotli && hasBrotli ? ContentCoding.Brotli : gzip && hasGzip ? ContentCoding.Gzip : ContentCoding.Identity;
        return true;
    }

    public static string? HeaderValue(ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => "gzip",
        ContentCoding.Brotli => "br",
        _ => null,
    };
}
