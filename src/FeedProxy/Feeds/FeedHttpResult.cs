using System.Globalization;
using FeedProxy.Formats.Feeds;
using FeedProxy.Http;
using Microsoft.Net.Http.Headers;
using NodaTime;

namespace FeedProxy.Feeds;

/// <summary>
/// Writes a rendered feed: picks the precompressed variant, answers conditional requests
/// with 304, and answers HEAD with the headers of GET and no body.
/// </summary>
internal sealed class FeedHttpResult(RenderedFeed feed, FeedFormat format, string cacheControl, Observability.FeedMetrics metrics) : IResult
{
    private const int WriteSlice = 64 * 1024;
    private const int SliceAbove = 512 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var request = httpContext.Request;
        var response = httpContext.Response;
        var coding = ContentCodingNegotiation.Select(request, feed);
        var etag = feed.ETag(coding);
        var headers = response.Headers;
        headers.ETag = etag;
        headers.CacheControl = cacheControl;
        headers.Vary = "Accept-Encoding";

        // RFC 9110 §8.8.2.1: never later than the server's clock, whatever the data says.
        var now = Instant.FromDateTimeOffset(httpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        var lastModified = feed.LastModified > now ? Instant.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) : feed.LastModified;
        if (ConditionalRequest.IsNotModified(request, etag, lastModified))
        {
            // RFC 9110 §15.4.5: only the validators and caching fields, no body.
            response.StatusCode = StatusCodes.Status304NotModified;
            Count(StatusCodes.Status304NotModified);
            return;
        }

        var body = feed.Body(coding);
        response.StatusCode = StatusCodes.Status200OK;
        Count(StatusCodes.Status200OK);
        response.ContentType = format.ContentType();
        response.ContentLength = body.Length;
        headers.LastModified = HeaderUtilities.FormatDate(lastModified.ToDateTimeOffset());
        headers.XContentTypeOptions = "nosniff";
        if (ContentCodingNegotiation.HeaderValue(coding) is { } encoding)
        {
            headers.ContentEncoding = encoding;
        }

        if (!HttpMethods.IsHead(request.Method))
        {
            // In slices with a flush between them: one 1.8 MB write would be copied whole into
            // each connection's output pipe, which under many concurrent downloads of a large
            // feed costs more memory than the cached feed itself.
            var writer = response.BodyWriter;
            if (body.Length <= SliceAbove)
            {
                await writer.WriteAsync(body, httpContext.RequestAborted);
                return;
            }

            for (var offset = 0; offset < body.Length; offset += WriteSlice)
            {
                var slice = body.Slice(offset, Math.Min(WriteSlice, body.Length - offset));
                var flush = await writer.WriteAsync(slice, httpContext.RequestAborted);
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    break;
                }
            }
        }
    }

    private void Count(int status) =>
        metrics.Requests.Add(1, new KeyValuePair<string, object?>("format", format.Extension()), new KeyValuePair<string, object?>("status", status));

    public static string CacheControl(CachingOptions options, bool isPrivate)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(CultureInfo.InvariantCulture,
            $"{(isPrivate ? "private" : "public")}, max-age={options.MaxAgeSeconds}, stale-while-revalidate={options.StaleWhileRevalidateSeconds}, stale-if-error={options.StaleIfErrorSeconds}");
    }
}
