using System.Globalization;
using FeedProxy.Formats.Feeds;
using FeedProxy.Http;
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

    /// <summary>
    /// The HTTP answer to a feed service's result, shared by event, collection and change
    /// feeds. A public feed from a versioned cache entry is remembered for the revalidation
    /// fast path when <paramref name="remember"/> says the URL may be (never token URLs).
    /// </summary>
    public static IResult For(FeedResult result, HttpContext context, FeedFormat format, CachingOptions caching, FastPath.FeedKind? remember, string notFoundDetail = "No feed at this URL.", string? link = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        if (result is FeedResult.Found found)
        {
            if (!found.IsPrivate
                && Push.HubLinks.For(context, FeedEndpoints.BaseUrl(context.Request, context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<FeedProxyOptions>>().Value)) is { } hub)
            {
                // WebSub discovery (Push/): the hub and the topic URL of this public feed.
                link = link is null ? hub : link + ", " + hub;
            }

            var response = new FeedResponse(found.Feed, format, CacheControl(caching, found.IsPrivate), link);
            if (remember is { } kind && !found.IsPrivate && found.Entry is { } entry && !found.Feed.CodingsPending)
            {
                // The next poll of this exact URL is answered before routing (FastPath).
                context.RequestServices.GetRequiredService<FastPath.KnownFeeds>().Remember(context.Request, entry, response, isCollection: kind == FastPath.FeedKind.Collection);
            }

            return new FeedHttpResult(found.Feed, response, context.RequestServices.GetRequiredService<Observability.FeedMetrics>());
        }

        return result switch
        {
            FeedResult.Limited limited => Problems.TooManyRequests(limited.RetryAfter),
            FeedResult.Invalid invalid => Problems.BadRequest(invalid.Detail),
            FeedResult.Unavailable unavailable => Problems.Unavailable(unavailable.Detail),
            FeedResult.NotFound notFound => Problems.NotFound(notFound.Detail),
            _ => Problems.NotFound(notFoundDetail),
        };
    }

    public static string CacheControl(CachingOptions options, bool isPrivate)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(CultureInfo.InvariantCulture,
            $"{(isPrivate ? "private" : "public")}, max-age={options.MaxAgeSeconds}, stale-while-revalidate={options.StaleWhileRevalidateSeconds}, stale-if-error={options.StaleIfErrorSeconds}");
    }
}
