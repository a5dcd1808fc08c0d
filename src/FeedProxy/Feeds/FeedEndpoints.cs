using Carter;
using FeedProxy.FastPath;
using FeedProxy.Formats.Feeds;
using FeedProxy.Http;
using FeedProxy.Observability;
using FeedProxy.Pages;
using Microsoft.Extensions.Options;

namespace FeedProxy.Feeds;

/// <summary>
/// Live feed URLs: /events/{id}.{ics|xcs|rss|atom|json} and single-session downloads at
/// /events/{id}/sessions/{sessionId}.{ext}. GET and HEAD; never redirects (some calendar
/// clients do not follow them).
/// </summary>
public sealed class FeedEndpoints : ICarterModule
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        // No blanket rate limit: requests spend the client's budget only when they cause
        // expensive work (ClientBudget), so cache hits and 304s are never refused.
        var group = app.MapGroup("/events").WithTags("Feeds");
        group.MapMethods("/{file}", Methods, GetFeed)
            .WithName("GetFeed")
            .WithSummary("A live feed of an event's public schedule.");
        group.MapMethods("/{eventId}/sessions/{file}", Methods, GetSessionFeed)
            .WithName("GetSessionFeed")
            .WithSummary("One session as a single-event download.");
    }

    internal static Task<IResult> GetFeed(string file, HttpContext context, FeedService feeds, IOptions<FeedProxyOptions> options) =>
        Serve(file, sessionId: null, context, feeds, options.Value);

    internal static Task<IResult> GetSessionFeed(string eventId, string file, HttpContext context, FeedService feeds, IOptions<FeedProxyOptions> options)
    {
        var dot = file.LastIndexOf('.');
        var sessionId = dot > 0 ? file[..dot] : file;
        var extension = dot > 0 ? file[dot..] : string.Empty;
        return Serve(eventId + extension, sessionId, context, feeds, options.Value);
    }

    private static async Task<IResult> Serve(string file, string? sessionId, HttpContext context, FeedService feeds, FeedProxyOptions options)
    {
        if (!FeedRequest.TryParse(file, context.Request.Query, sessionId, out var request, out var error))
        {
            // The extensionless event URL negotiates (Negotiation/): browsers get the subscribe
            // page, calendar clients a feed format, never HTML.
            if (error is null && sessionId is null)
            {
                // The answer here depends on Accept: caches must not hand the page to a calendar app or a feed to a browser.
                context.Response.Headers.Vary = "Accept";
                switch (Negotiation.RepresentationNegotiation.Choose(context.Request))
                {
                    case Negotiation.Negotiated.Page:
                        // Pages are rendered per request: expensive work.
                        if (context.RequestServices.GetRequiredService<Limits.ClientBudget>().TrySpend(context) is { } wait)
                        {
                            return Problems.TooManyRequests(wait);
                        }

                        return await SubscribePageEndpoint.ServeAsync(file, access: null, context);
                    case Negotiation.Negotiated.Feed negotiated:
                        return await NegotiatedAsync(file, negotiated.Format, "events", context, options,
                            (request, path) => ServeAsync(request, context, feeds, options, allowPrivate: false, path));
                    default:
                        return Problems.NotAcceptable($"This calendar is offered as {Negotiation.RepresentationNegotiation.OfferedTypes}.");
                }
            }

            return error is null
                ? Problems.NotFound("No feed at this URL. Feeds are /events/{id}.ics, .xcs, .rss, .atom or .json.")
                : Problems.BadRequest(error);
        }

        return await ServeAsync(request!, context, feeds, options, allowPrivate: false);
    }

    /// <summary>
    /// The format URL's answer at the extensionless URL: parsed and served as
    /// /{kind}/{id}.{ext} with the same query, so the bytes and ETag are that URL's; never
    /// remembered by the fast path, which does not look at Accept.
    /// </summary>
    internal static async Task<IResult> NegotiatedAsync(
        string id, FeedFormat format, string kind, HttpContext context, FeedProxyOptions options, Func<FeedRequest, PathString, Task<IResult>> serve)
    {
        var file = id + "." + format.Extension();
        if (!FeedRequest.TryParse(file, context.Request.Query, sessionId: null, out var request, out var error))
        {
            return error is null ? Problems.NotFound("No feed at this URL.") : Problems.BadRequest(error);
        }

        var path = new PathString($"/{kind}/{file}");
        var formatUrl = SelfUrl(BaseUrl(context.Request, options), path, request!);
        return new Negotiation.NegotiatedResult(await serve(request!, path), formatUrl);
    }

    /// <summary>Serves a parsed request; also the tail of agenda and private-token URLs.</summary>
    /// <param name="path">The format URL's path when answering a negotiated request (null: the request's own, which the fast path may remember).</param>
    internal static async Task<IResult> ServeAsync(FeedRequest request, HttpContext context, FeedService feeds, FeedProxyOptions options, bool allowPrivate, PathString? path = null)
    {
        var baseUrl = BaseUrl(context.Request, options);
        var selfUrl = SelfUrl(baseUrl, path ?? context.Request.Path, request);
        var wanted = ContentCodingNegotiation.Select(context.Request, hasGzip: true, hasBrotli: true);
        var budget = context.RequestServices.GetRequiredService<Limits.ClientBudget>();
        var result = await feeds.GetAsync(request, baseUrl, selfUrl, allowPrivate, context.RequestAborted, wanted, () => budget.TrySpend(context));
        // Token URLs are always re-checked, never remembered for the fast path; nor are negotiated answers (the fast path ignores Accept).
        var link = CalDav.CalDavLinks.ForFeed(baseUrl, request, isCollection: false, allowPrivate ? context.GetRouteValue("token") as string : null);
        return FeedHttpResult.For(result, context, request.Format, options.Caching, allowPrivate || path is not null ? null : FastPath.FeedKind.Event, link: link);
    }

    /// <summary>The configured public base URL, else the request's own scheme, host and path base.</summary>
    internal static Uri BaseUrl(HttpRequest request, FeedProxyOptions options)
    {
        if (options.PublicBaseUrl is { } configured)
        {
            return configured.AbsoluteUri.EndsWith('/') ? configured : new Uri(configured.AbsoluteUri + "/");
        }

        return new Uri($"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}/");
    }

    /// <summary>Self link with the query in canonical order, so equal feeds have equal bytes.</summary>
    internal static Uri SelfUrl(Uri baseUrl, PathString path, FeedRequest request)
    {
        var query = new List<string>();
        if (request.Options.TimeMode == TimeMode.Utc) { query.Add("tz=utc"); }
        if (request.Options.XCalDialect == XCalDialect.Pentabarf) { query.Add("dialect=pentabarf"); }
        if (request.Options.Profile == SyndicationProfile.Campus) { query.Add("profile=campus"); }
        if (request.Options.Alarms.Count > 0) { query.Add("alarm=" + request.Options.AlarmKey); }
        foreach (var (name, values) in request.Filters)
        {
            query.AddRange(values.Select(v => name + "=" + Uri.EscapeDataString(v)));
        }

        if (request.Search is { } search) { query.Add("q=" + Uri.EscapeDataString(search.Key)); }

        var relative = path.ToUriComponent().TrimStart('/') + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
        return new Uri(baseUrl, relative);
    }
}
