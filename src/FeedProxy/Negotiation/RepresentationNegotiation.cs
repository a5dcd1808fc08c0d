using FeedProxy.Formats.Feeds;
using Microsoft.Net.Http.Headers;

namespace FeedProxy.Negotiation;

/// <summary>What the extensionless URL of a calendar answers a request with.</summary>
internal abstract record Negotiated
{
    /// <summary>The subscribe page (a browser: text/html ranks first).</summary>
    public sealed record Page : Negotiated;

    /// <summary>A feed format, served exactly as its own URL serves it.</summary>
    public sealed record Feed(FeedFormat Format) : Negotiated;

    /// <summary>Nothing the client accepts is offered (406).</summary>
    public sealed record NotAcceptable : Negotiated;
}

/// <summary>
/// Proactive negotiation (RFC 9110 §12.5.1) for /events/{id} and /collections/{id}: each
/// representation gets the quality of the most specific media range that matches it
/// (§12.5.1: "type/subtype" over "type/*" over "*/*"); the best quality wins, then a type the
/// client named over one it only reached through a wildcard, then the range the client listed
/// first, then the server's order, which puts iCalendar first. No Accept at all is "*/*" (§12.5.1), so calendar clients that send
/// none (Google) get iCalendar, never HTML; a browser names text/html and gets the page.
/// </summary>
internal static class RepresentationNegotiation
{
    private static readonly (string MediaType, Negotiated Answer)[] Offered =
    [
        ("text/calendar", new Negotiated.Feed(FeedFormat.ICalendar)),
        ("application/calendar+json", new Negotiated.Feed(FeedFormat.JCal)),
        ("application/calendar+xml", new Negotiated.Feed(FeedFormat.XCal)),
        ("application/rss+xml", new Negotiated.Feed(FeedFormat.Rss)),
        ("application/atom+xml", new Negotiated.Feed(FeedFormat.Atom)),
        ("text/html", new Negotiated.Page()),
    ];

    /// <summary>The media types offered, for the 406 answer.</summary>
    public static string OfferedTypes => string.Join(", ", Offered.Select(o => o.MediaType));

    /// <summary>More ranges than this are not looked at (a header is at most what Kestrel admits anyway).</summary>
    private const int MaxRanges = 64;

    public static Negotiated Choose(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || accept.All(string.IsNullOrWhiteSpace))
        {
            return Offered[0].Answer;
        }

        if (!MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return new Negotiated.NotAcceptable();
        }

        Negotiated? best = null;
        (double Quality, int Specificity, int Position) top = (0.0, -1, int.MaxValue);
        foreach (var (mediaType, answer) in Offered)
        {
            var rank = RankOf(mediaType, ranges);
            if (rank.Quality <= 0)
            {
                continue;
            }

            if (rank.Quality > top.Quality
                || (rank.Quality == top.Quality && (rank.Specificity > top.Specificity
                    || (rank.Specificity == top.Specificity && rank.Position < top.Position))))
            {
                best = answer;
                top = rank;
            }
        }

        return best ?? new Negotiated.NotAcceptable();
    }

    /// <summary>Quality, specificity (2 exact, 1 "type/*", 0 "*/*", -1 none) and position of the most specific matching range.</summary>
    private static (double Quality, int Specificity, int Position) RankOf(string mediaType, IList<MediaTypeHeaderValue> ranges)
    {
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        var type = mediaType.AsSpan(0, slash);
        var quality = 0.0;
        var specificity = -1;
        var position = int.MaxValue;
        for (var i = 0; i < ranges.Count && i < MaxRanges; i++)
        {
            var range = ranges[i];
            var rangeType = range.Type.AsSpan();
            int match;
            if (range.MatchesAllTypes)
            {
                match = 0;
            }
            else if (range.MatchesAllSubTypes && rangeType.Equals(type, StringComparison.OrdinalIgnoreCase))
            {
                match = 1;
            }
            else if (range.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
            {
                match = 2;
            }
            else
            {
                continue;
            }

            if (match > specificity)
            {
                specificity = match;
                quality = range.Quality ?? 1.0;
                position = i;
            }
        }

        return (quality, specificity, position);
    }
}
