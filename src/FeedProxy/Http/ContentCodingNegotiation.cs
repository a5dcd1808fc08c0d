using FeedProxy.Feeds;
using Microsoft.Net.Http.Headers;

namespace FeedProxy.Http;

/// <summary>Picks br, gzip or identity from Accept-Encoding (RFC 9110 §12.5.3), honouring q=0.</summary>
internal static class ContentCodingNegotiation
{
    public static ContentCoding Select(HttpRequest request, RenderedFeed feed)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(feed);
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0 || !StringWithQualityHeaderValue.TryParseList(header, out var values))
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

        var brotli = feed.Has(ContentCoding.Brotli) ? Quality("br") : 0;
        var gzip = feed.Has(ContentCoding.Gzip) ? Quality("gzip") : 0;
        if (brotli > 0 && brotli >= gzip)
        {
            return ContentCoding.Brotli;
        }

        return gzip > 0 ? ContentCoding.Gzip : ContentCoding.Identity;
    }

    public static string? HeaderValue(ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => "gzip",
        ContentCoding.Brotli => "br",
        _ => null,
    };
}
