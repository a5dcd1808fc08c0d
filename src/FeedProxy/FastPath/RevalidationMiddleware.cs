using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Observability;
using FeedProxy.Private;
using NodaTime;

namespace FeedProxy.FastPath;

/// <summary>
/// Answers polls of known public feed URLs (event and collection feeds) before routing: one
/// version lookup (in memory in both stores; for a collection, its definition's and each
/// member's), the hour, and then a 304 from the remembered validators or a 200 from the
/// cache. Anything it cannot answer exactly as the full pipeline would (unknown URL, new
/// version or hour, entry evicted, store failing) passes through unchanged, and the full
/// pipeline remembers the answer for next time. It never renders, so it spends no client
/// budget (<see cref="Limits.ClientBudget"/>): the render pipeline charges only a request that
/// starts a render; cache hits and 304s are cheap by construction.
/// <para>
/// It sits at two places in the pipeline, and one of them answers (<see cref="RevalidationStage"/>):
/// normally before the request-log scope, because an answered poll writes no log line and
/// the scope (its state, the scope object and the execution-context copies it makes) was all
/// a 304 allocated (docs/benchmarks.md, "Allocation per request"); with the request log at
/// Debug, after the scope and the exception handler, so the request line is written as for
/// any other request. Before the exception handler, an exception thrown before the response
/// started passes the request on, and the second place (or the full pipeline) answers it.
/// </para>
/// </summary>
internal sealed class RevalidationMiddleware(
    RequestDelegate next, KnownFeeds known, FeedService feeds, CollectionFeedService collections, TimeProvider time,
    FeedMetrics metrics, ILoggerFactory loggers, RevalidationStage stage)
{
    private readonly ILogger _requestLog = loggers.CreateLogger(RequestLogRedaction.Category);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (_requestLog.IsEnabled(LogLevel.Debug) != (stage == RevalidationStage.InLogScope)
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || !known.TryGet(request, out var feed))
        {
            return next(context);
        }

        return stage == RevalidationStage.BeforeLogScope ? ServeGuardedAsync(context, feed) : ServeAsync(context, feed);
    }

    // Outside the exception handler: a failure before the response started is not answered
    // here but passed on, so the full pipeline (and its exception handler) answers it.
    private async Task ServeGuardedAsync(HttpContext context, KnownFeed feed)
    {
        try
        {
            await ServeAsync(context, feed);
            return;
        }
        catch (Exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            known.Forget(context.Request, feed);
            context.Response.Clear();
        }

        await next(context);
    }

    private async Task ServeAsync(HttpContext context, KnownFeed feed)
    {
        var current = feed.IsCollection
            ? await collections.TryGetVersionAsync(feed.Entry.Id, context.RequestAborted)
            : await feeds.TryGetVersionAsync(feed.Entry.Id, context.RequestAborted);
        if (!string.Equals(current, feed.Entry.Version, StringComparison.Ordinal) || feeds.CurrentHour() != feed.Entry.Hour)
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

        var cached = await feeds.GetCachedAsync(feed.Entry, context.RequestAborted);
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

    public static IApplicationBuilder UseRevalidationFastPath(this IApplicationBuilder app, RevalidationStage stage) =>
        app.UseMiddleware<RevalidationMiddleware>(stage);
}
