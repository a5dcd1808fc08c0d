using Carter;
using FeedProxy.Admin;
using FeedProxy.FastPath;
using FeedProxy.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Http;
using FeedProxy.Observability;
using FeedProxy.Pages;
using FeedProxy.Private;
using FeedProxy.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Collections;

/// <summary>
/// Collection feeds /collections/{id}.{ics|xcs|rss|atom|json} with the options of event feeds,
/// the subscribe page at /collections/{id}, private collections under
/// /private/{token}/collections/{id}.{ext}, and the admin routes /admin/collections.
/// </summary>
public sealed class CollectionEndpoints : ICarterModule
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // No blanket rate limit: renders, pages and failed token checks spend the client's
        // budget (Limits.ClientBudget), so cache hits and 304s are never refused.
        var group = app.MapGroup("/collections").WithTags("Collections");
        group.MapMethods("/{file}", Methods, GetCollectionFeed)
            .WithName("GetCollectionFeed")
            .WithSummary("A live feed of several events' public schedules, named after the collection.");
        app.MapGroup("/private/{token}/collections").WithTags("Private feeds").ExcludeFromDescription()
            .MapMethods("/{file}", Methods, GetPrivateCollectionFeed);

        // Without a token the admin API does not exist (404), rather than being open.
        var token = app.ServiceProvider.GetRequiredService<IOptions<FeedProxyOptions>>().Value.AdminToken;
        if (!string.IsNullOrWhiteSpace(token))
        {
            MapAdmin(app, token);
        }
    }

    private static void MapAdmin(IEndpointRouteBuilder routes, string token)
    {
        var admin = routes.MapGroup("/admin/collections")
            .AddEndpointFilter<Limits.SpendBudgetFilter>()
            .AddEndpointFilter(new AdminAuthorization(token))
            .WithTags("Admin");
        admin.MapGet("/", ListCollections).WithName("ListCollections");
        admin.MapGet("/{collectionId}", GetCollection).WithName("GetCollection");
        admin.MapPut("/{collectionId}", PutCollection).WithName("PutCollection").Accepts<CollectionJson>("application/json");
        admin.MapDelete("/{collectionId}", DeleteCollection).WithName("DeleteCollection");
        admin.MapPost("/{collectionId}/token", RotateToken).WithName("RotateCollectionToken")
            .WithSummary("Issues a new secret URL token for a private collection; the old URL stops working at once.");
    }

    internal static Task<IResult> GetCollectionFeed(string file, HttpContext context, CollectionFeedService collections, IOptions<FeedProxyOptions> options) =>
        ServeAsync(file, token: null, context, collections, options.Value);

    internal static async Task<IResult> GetPrivateCollectionFeed(string token, string file, HttpContext context, CollectionFeedService collections, ICollectionStore store, IOptions<FeedProxyOptions> options)
    {
        var dot = file.LastIndexOf('.');
        var id = dot > 0 ? file[..dot] : file;
        if (!AccessTokens.LooksValid(token) || !ScheduleId.IsValid(id)
            || !AccessTokens.Matches(token, await store.GetTokenAsync(id, context.RequestAborted)))
        {
            // Guessing tokens spends the client's budget, as for private events.
            return context.RequestServices.GetRequiredService<Limits.ClientBudget>().TrySpend(context) is { } wait
                ? Problems.TooManyRequests(wait)
                : Problems.NotFound("No feed at this URL.");
        }

        return await ServeAsync(file, token, context, collections, options.Value);
    }

    private static async Task<IResult> ServeAsync(string file, string? token, HttpContext context, CollectionFeedService collections, FeedProxyOptions options)
    {
        if (!FeedRequest.TryParse(file, context.Request.Query, sessionId: null, out var request, out var error))
        {
            if (error is null)
            {
                // As for events: the extensionless URL negotiates on Accept.
                context.Response.Headers.Vary = "Accept";
                switch (Negotiation.RepresentationNegotiation.Choose(context.Request))
                {
                    case Negotiation.Negotiated.Page:
                        // Pages are rendered per request: expensive work.
                        if (context.RequestServices.GetRequiredService<Limits.ClientBudget>().TrySpend(context) is { } wait)
                        {
                            return Problems.TooManyRequests(wait);
                        }

                        return await PageAsync(file, token, context, collections, options);
                    case Negotiation.Negotiated.Feed negotiated when token is null:
                        return await FeedEndpoints.NegotiatedAsync(file, negotiated.Format, "collections", context, options,
                            (request, path) => FeedAsync(request, path, token, context, collections, options));
                    case Negotiation.Negotiated.NotAcceptable when token is null:
                        return Problems.NotAcceptable($"This calendar is offered as {Negotiation.RepresentationNegotiation.OfferedTypes}.");
                }
            }

            return error is null
                ? Problems.NotFound("No feed at this URL. Collection feeds are /collections/{id}.ics, .xcs, .rss, .atom or .json.")
                : Problems.BadRequest(error);
        }

        return await FeedAsync(request!, path: null, token, context, collections, options);
    }

    /// <param name="path">The format URL's path when answering a negotiated request (null: the request's own, which the fast path may remember).</param>
    private static async Task<IResult> FeedAsync(FeedRequest request, PathString? path, string? token, HttpContext context, CollectionFeedService collections, FeedProxyOptions options)
    {
        if (request.Filters.Count > 0 || request.Search is not null)
        {
            return Problems.BadRequest("Collection feeds take no filter or 'q' parameters: a collection's members carry their own filters.");
        }

        var baseUrl = FeedEndpoints.BaseUrl(context.Request, options);
        var selfUrl = FeedEndpoints.SelfUrl(baseUrl, path ?? context.Request.Path, request);
        var budget = context.RequestServices.GetRequiredService<Limits.ClientBudget>();
        var wanted = ContentCodingNegotiation.Select(context.Request, hasGzip: true, hasBrotli: true);
        var result = await collections.GetAsync(request, baseUrl, selfUrl, allowPrivate: token is not null, context.RequestAborted, () => budget.TrySpend(context), wanted);
        // Token URLs are always re-checked, never remembered for the fast path; nor are negotiated answers (the fast path ignores Accept).
        return FeedHttpResult.For(result, context, request.Format, options.Caching, token is null && path is null ? FastPath.FeedKind.Collection : null,
            link: CalDav.CalDavLinks.ForFeed(baseUrl, request, isCollection: true, token));
    }

    private static async Task<IResult> PageAsync(string id, string? token, HttpContext context, CollectionFeedService collections, FeedProxyOptions options)
    {
        if (!ScheduleId.IsValid(id))
        {
            return Problems.NotFound("No collection at this URL.");
        }

        var store = context.RequestServices.GetRequiredService<ICollectionStore>();
        CollectionContent content;
        try
        {
            var snapshot = await store.GetAsync(id, context.RequestAborted);
            if (snapshot is null || (snapshot.Definition.Visibility == EventVisibility.Private && token is null))
            {
                return Problems.NotFound($"No collection '{id}'.");
            }

            content = await collections.LoadAsync(snapshot.Definition, allowPrivate: token is not null, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable("The schedule store is unavailable. Try again shortly.");
        }

        var baseUrl = FeedEndpoints.BaseUrl(context.Request, options);
        var relative = token is null ? $"collections/{Uri.EscapeDataString(id)}" : $"private/{token}/collections/{Uri.EscapeDataString(id)}";
        var stem = new Uri(baseUrl, relative).AbsoluteUri;
        return new HtmlPageResult(CollectionPageRenderer.Render(content, stem, token is null ? stem + "/changes" : null), isPrivate: token is not null);
    }

    internal sealed record CollectionSummary(string Id, string Name, string Visibility, string Version, int Members, string LastModified);

    internal static async Task<Ok<CollectionSummary[]>> ListCollections(ICollectionStore store, CancellationToken cancellationToken)
    {
        var list = await store.ListAsync(cancellationToken);
        return TypedResults.Ok(list.Select(s => new CollectionSummary(
            s.Definition.Id, s.Definition.Name, s.Definition.Visibility == EventVisibility.Private ? "private" : "public",
            s.Version, s.Definition.Members.Count, NodaTime.Text.InstantPattern.ExtendedIso.Format(s.Definition.LastModified))).ToArray());
    }

    internal static async Task<Results<JsonHttpResult<CollectionJson>, ProblemHttpResult>> GetCollection(string collectionId, ICollectionStore store, CancellationToken cancellationToken) =>
        ScheduleId.IsValid(collectionId) && await store.GetAsync(collectionId, cancellationToken) is { } snapshot
            ? TypedResults.Json(CollectionJsonMapper.ToJson(snapshot.Definition), CollectionJsonContext.Default.CollectionJson)
            : Problems.NotFound($"No collection '{collectionId}'.");

    internal static async Task<Results<Created<CollectionJson>, Ok<CollectionJson>, ValidationProblem, ProblemHttpResult>> PutCollection(string collectionId, HttpRequest request, ICollectionStore store, IEventStore events, FeedService feeds, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!ScheduleId.IsValid(collectionId))
        {
            return Problems.BadRequest("The collection id is not valid: ids are 1-128 letters, digits, '.', '_' or '-'.");
        }

        if (request.ContentLength > 1024 * 1024)
        {
            return TypedResults.Problem("A collection definition is at most 1 MB.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload Too Large");
        }

        var (body, error) = await AdminEndpoints.ReadAsync(request, CollectionJsonContext.Default.CollectionJson, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        CollectionDefinition definition;
        try
        {
            definition = CollectionJsonMapper.ToModel(body, collectionId, Instant.FromDateTimeOffset(time.GetUtcNow()));
        }
        catch (EventValidationException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary(e => e.Key, e => e.Value));
        }

        // Filters are checked against the member events that exist now; an event added later
        // is checked when it is rendered (a filter it lacks makes it show nothing).
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < definition.Members.Count; i++)
        {
            var member = definition.Members[i];
            if (member.Filters.Count > 0 && await events.GetAsync(member.EventId, cancellationToken) is { } snapshot)
            {
                var visible = Formats.Feeds.FeedSelection.Select(snapshot.Event, feeds.Policy(), Instant.FromDateTimeOffset(time.GetUtcNow()));
                new FeedRequest { EventId = member.EventId, Format = Formats.Feeds.FeedFormat.ICalendar, Filters = member.Filters }
                    .ResolveFilter(snapshot.Event, visible, out var filterError);
                if (filterError is not null)
                {
                    errors[$"members[{i}].filters"] = [filterError];
                }
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var created = await store.PutAsync(definition, cancellationToken);
        var json = CollectionJsonMapper.ToJson(definition);
        return created
            ? TypedResults.Created($"/admin/collections/{collectionId}", json)
            : TypedResults.Ok(json);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteCollection(string collectionId, ICollectionStore store, CancellationToken cancellationToken) =>
        ScheduleId.IsValid(collectionId) && await store.DeleteAsync(collectionId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No collection '{collectionId}'.");

    /// <summary>A private collection's new URL: the token is shown this once.</summary>
    internal sealed record PrivateUrl(string CollectionId, string Token, string Path, string Ics);

    internal static async Task<Results<Ok<PrivateUrl>, ProblemHttpResult>> RotateToken(string collectionId, ICollectionStore store, CancellationToken cancellationToken)
    {
        if (!ScheduleId.IsValid(collectionId) || await store.RotateTokenAsync(collectionId, cancellationToken) is not { } token)
        {
            return Problems.NotFound($"No collection '{collectionId}'.");
        }

        var path = $"/private/{token}/collections/{collectionId}";
        return TypedResults.Ok(new PrivateUrl(collectionId, token, path, path + ".ics"));
    }
}
