using FeedProxy.Formats.Model;
using Carter;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Http;
using FeedProxy.Observability;
using Microsoft.Extensions.Options;

namespace FeedProxy.Changes;

/// <summary>
/// Change feeds: /events/{id}/changes.rss|.atom and /collections/{id}/changes.rss|.atom,
/// newest first, one item per change, and a private event's under its secret token,
/// /private/{token}/events/{id}/changes.rss|.atom (a wrong token and an unknown event give the
/// same 404, as for private schedule feeds). GET and HEAD, conditional requests, compression and
/// caching as for schedule feeds.
/// </summary>
public sealed class ChangeFeedEndpoints : ICarterModule
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var (extension, format) in new[] { ("rss", FeedFormat.Rss), ("atom", FeedFormat.Atom) })
        {
            app.MapMethods($"/events/{{eventId}}/changes.{extension}", Methods,
                    (string eventId, HttpContext context, ChangeFeedService changes, IOptions<FeedProxyOptions> options) =>
                        Serve(eventId, format, context, options.Value, (base_, self, admit, ct) => changes.GetEventAsync(eventId, format, base_, self, admit, ct)))
                .WithTags("Change feeds").WithName("GetEventChanges" + extension)
                .WithSummary("News of an event's schedule: sessions added, cancelled, moved, retitled, speakers changed.");
            app.MapMethods($"/collections/{{collectionId}}/changes.{extension}", Methods,
                    (string collectionId, HttpContext context, ChangeFeedService changes, IOptions<FeedProxyOptions> options) =>
                        Serve(collectionId, format, context, options.Value, (base_, self, admit, ct) => changes.GetCollectionAsync(collectionId, format, base_, self, admit, ct)))
                .WithTags("Change feeds").WithName("GetCollectionChanges" + extension)
                .WithSummary("News of every member event of a collection.");
            app.MapMethods($"/private/{{token}}/events/{{eventId}}/changes.{extension}", Methods,
                    async (string token, string eventId, HttpContext context, ChangeFeedService changes, Private.PrivateAccess access, IOptions<FeedProxyOptions> options) =>
                        !await access.IsValidAsync(eventId, token, context.RequestAborted)
                            ? Private.PrivateEndpoints.Refused(context)
                            : await Serve(eventId, format, context, options.Value, (base_, self, admit, ct) => changes.GetEventAsync(eventId, format, base_, self, admit, ct, privateToken: token)))
                .WithTags("Private feeds").ExcludeFromDescription();
        }
    }

    private static async Task<IResult> Serve(
        string id, FeedFormat format, HttpContext context, FeedProxyOptions options,
        Func<Uri, Uri, Func<TimeSpan?>, CancellationToken, ValueTask<FeedResult>> get)
    {
        if (!ScheduleId.IsValid(id))
        {
            return Problems.BadRequest("The id is not valid: ids are 1-128 letters, digits, '.', '_' or '-'.");
        }

        var baseUrl = FeedEndpoints.BaseUrl(context.Request, options);
        // The query is not part of the feed: the self link is the plain URL.
        var selfUrl = new Uri(baseUrl, context.Request.Path.ToUriComponent().TrimStart('/'));
        FeedResult result;
        try
        {
            // No blanket rate limit: only renders spend the client's budget (Limits.ClientBudget).
            var budget = context.RequestServices.GetRequiredService<Limits.ClientBudget>();
            result = await get(baseUrl, selfUrl, () => budget.TrySpend(context), context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable("The schedule store is unavailable. Try again shortly.");
        }

        return FeedHttpResult.For(result, context, format, options.Caching, remember: null, "No change feed at this URL.");
    }
}
