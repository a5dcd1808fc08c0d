using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Observability;
using NodaTime;

namespace FeedProxy.FastPath;

/// <summary>
/// Answers polls of known public feed URLs (event and collection feeds) before routing: one
/// version lookup (in memory in both stores; for a collection, its definition's and each
/// member's), the hour, and then a 304 from the remembered validators or a 200 from the
/// cache. Anything it cannot answer exactly as the full pipeline would (unknown URL, new
/// version or hour, entry evicted, store failing) passes through unchanged, and the full
/// pipeline remembers the answer for next time. Runs after the request-log scope and the
/// exception handler and before the rate limiter: cache hits and 304s are cheap by
/// construction and spend no rate-limit budget; renders still do.
/// </summary>
internal sealed class RevalidationMiddleware(RequestDelegate next, KnownFeeds known, FeedService feeds, CollectionFeedService collections, TimeProvider time, FeedMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && known.TryGet(request, out var feed)
            ? ServeAsync(context, feed)
            : next(context);
    }

    private async Task ServeAsync(HttpContext context, KnownFeed feed)
    {
        var current = feed.IsCollection
            ? await collections.TryGetVersionAsync(feed.Source.EventId, context.RequestAborted)
            : await feeds.TryGetVersionAsync(feed.Source.EventId, context.RequestAborted);
        if (!string.Equals(current, feed.Source.Version, StringComparison.Ordinal) || feeds.CurrentHour() != feed.Source.Hour)
        {
            known.Forget(context.Request, feed);
            await next(context);
            return;
        }

        var response = feed.Response;
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        if (response.IsNotModified(context.Request, now, out var coding))
        {
            response.WriteNotModified(context.Response, coding, metrics);
            return;
        }

        var cached = await feeds.GetCachedAsync(feed.Source, context.RequestAborted);
        if (cached is null || !string.Equals(cached.Hash, response.Hash, StringComparison.Ordinal))
        {
            known.Forget(context.Request, feed);
            await next(context);
            return;
        }

        await response.WriteAsync(context, cached, coding, now, metrics);
    }
}

internal static class RevalidationExtensions
{
    public static IServiceCollection AddRevalidationFastPath(this IServiceCollection services) =>
        services.AddSingleton<KnownFeeds>();

    public static IApplicationBuilder UseRevalidationFastPath(this IApplicationBuilder app) =>
        app.UseMiddleware<RevalidationMiddleware>();
}
