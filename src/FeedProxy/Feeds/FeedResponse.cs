using FeedProxy.Formats.Feeds;
using FeedProxy.Http;
using FeedProxy.Observability;
using Microsoft.Net.Http.Headers;
using NodaTime;

namespace FeedProxy.Feeds;

/// <summary>
/// What every response for one rendered representation carries, computed once: its entity
/// tags per coding, Last-Modified, Content-Type and Cache-Control. Immutable, so one instance
/// serves all requests for that representation (the revalidation fast path keeps it).
/// </summary>
internal sealed class FeedResponse
{
    private const int WriteSlice = 64 * 1024;
    private const int SliceAbove = 512 * 1024;

    private readonly string[] _etags;
    private readonly string _lastModifiedHeader;

    /// <param name="link">Link header of 200 answers (the feed's CalDAV twin, the WebSub hub and topic), or null.</param>
    public FeedResponse(RenderedFeed feed, FeedFormat format, string cacheControl, string? link = null)
    {
        Link = link;
        ArgumentNullException.ThrowIfNull(feed);
        Hash = feed.Hash;
        Format = format;
        CacheControl = cacheControl;
        LastModified = feed.LastModified;
        HasGzip = feed.Has(ContentCoding.Gzip);
        HasBrotli = feed.Has(ContentCoding.Brotli);
        _etags = [feed.ETag(ContentCoding.Identity), feed.ETag(ContentCoding.Gzip), feed.ETag(ContentCoding.Brotli)];
        _lastModifiedHeader = HeaderUtilities.FormatDate(LastModified.ToDateTimeOffset());
    }

    public string Hash { get; }

    /// <summary>RFC 8288 Link header value, e.g. the calendar's CalDAV collection (rel="subscribe-caldav").</summary>
    public string? Link { get; }
    public FeedFormat Format { get; }
    public string CacheControl { get; }
    public Instant LastModified { get; }
    public bool HasGzip { get; }
    public bool HasBrotli { get; }

    public string ETag(ContentCoding coding) => _etags[(int)coding];

    /// <summary>RFC 9110 §8.8.2.1: Last-Modified is never later than the server's clock, whatever the data says.</summary>
    public Instant EffectiveLastModified(Instant now) =>
        LastModified > now ? Instant.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) : LastModified;

    /// <summary>Picks the coding and says whether the request's validators match it (RFC 9110 §13.1).</summary>
    public bool IsNotModified(HttpRequest request, Instant now, out ContentCoding coding)
    {
        coding = ContentCodingNegotiation.Select(request, HasGzip, HasBrotli);
        var lastModified = EffectiveLastModified(now);
        return ConditionalRequest.IsNotModified(request, ETag(coding), lastModified, lastModified == LastModified ? _lastModifiedHeader : null);
    }

    /// <summary>RFC 9110 §15.4.5: a 304 carries only the validators and caching fields, no body.</summary>
    public void WriteNotModified(HttpResponse response, ContentCoding coding, FeedMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(metrics);
        response.StatusCode = StatusCodes.Status304NotModified;
        SetValidators(response.Headers, coding);
        metrics.CountRequest(Format, StatusCodes.Status304NotModified);
    }

    /// <summary>200 with the body in the chosen coding; HEAD gets the same headers and no body.</summary>
    public Task WriteAsync(HttpContext context, RenderedFeed feed, ContentCoding coding, Instant now, FeedMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(metrics);
        var response = context.Response;
        var headers = response.Headers;
        var body = feed.Body(coding);
        response.StatusCode = StatusCodes.Status200OK;
        SetValidators(headers, coding);
        metrics.CountRequest(Format, StatusCodes.Status200OK);
        headers.ContentType = Format.ContentType();
        headers.ContentLength = body.Length;
        var lastModified = EffectiveLastModified(now);
        headers.LastModified = lastModified == LastModified ? _lastModifiedHeader : HeaderUtilities.FormatDate(lastModified.ToDateTimeOffset());
        headers.XContentTypeOptions = "nosniff";
        if (Link is not null)
        {
            headers.Link = Link;
        }
        if (ContentCodingNegotiation.HeaderValue(coding) is { } encoding)
        {
            headers.ContentEncoding = encoding;
        }

        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : WriteBodyAsync(response, body, context.RequestAborted);
    }

    private void SetValidators(IHeaderDictionary headers, ContentCoding coding)
    {
        headers.ETag = ETag(coding);
        headers.CacheControl = CacheControl;
        headers.Vary = "Accept-Encoding";
    }

    private static async Task WriteBodyAsync(HttpResponse response, ReadOnlyMemory<byte> body, CancellationToken aborted)
    {
        // In slices with a flush between them: one 1.8 MB write would be copied whole into
        // each connection's output pipe, which under many concurrent downloads of a large
        // feed costs more memory than the cached feed itself.
        var writer = response.BodyWriter;
        if (body.Length <= SliceAbove)
        {
            await writer.WriteAsync(body, aborted);
            return;
        }

        for (var offset = 0; offset < body.Length; offset += WriteSlice)
        {
            var slice = body.Slice(offset, Math.Min(WriteSlice, body.Length - offset));
            var flush = await writer.WriteAsync(slice, aborted);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                break;
            }
        }
    }
}
