using System.Globalization;
using FeedProxy.Formats.Feeds;
using NodaTime;

namespace FeedProxy.Feeds;

/// <summary>
/// Writes a rendered feed: picks the precompressed variant, answers conditional requests
/// with 304, and answers HEAD with the headers of GET and no body.
/// </summary>
internal sealed class FeedHttpResult(RenderedFeed feed, FeedResponse response, Observability.FeedMetrics metrics) : IResult
{
    public FeedHttpResult(RenderedFeed feed, FeedFormat format, string cacheControl, Observability.FeedMetrics metrics)
        : this(feed, new FeedResponse(feed, format, cacheControl), metrics)
    {
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var now = Instant.FromDateTimeOffset(httpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        if (response.IsNotModified(httpContext.Request, now, out var coding))
        {
            response.WriteNotModified(httpContext.Response, coding, metrics);
            return Task.CompletedTask;
        }

        return response.WriteAsync(httpContext, feed, coding, now, metrics);
    }

    public static string CacheControl(CachingOptions options, bool isPrivate)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(CultureInfo.InvariantCulture,
            $"{(isPrivate ? "private" : "public")}, max-age={options.MaxAgeSeconds}, stale-while-revalidate={options.StaleWhileRevalidateSeconds}, stale-if-error={options.StaleIfErrorSeconds}");
    }
}
