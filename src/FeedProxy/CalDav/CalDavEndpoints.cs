using FeedProxy.Formats.Model;
using Carter;
using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Http;
using FeedProxy.Limits;
using FeedProxy.Private;
using Microsoft.Extensions.Options;

namespace FeedProxy.CalDav;

/// <summary>
/// The read-only CalDAV server (docs/caldav.md): /.well-known/caldav (RFC 6764 §5) redirects
/// to /dav/, the public tree; each private event or collection has a tree of its own under
/// its token (/private/{token}/dav/events/{id}/), where a wrong token answers exactly like a
/// path that does not exist.
/// </summary>
public sealed class CalDavEndpoints : ICarterModule
{
    private static readonly string[] Methods =
    [
        "OPTIONS", "GET", "HEAD", "PROPFIND", "REPORT", "PUT", "DELETE", "MKCALENDAR", "MKCOL",
        "PROPPATCH", "MOVE", "COPY", "LOCK", "UNLOCK", "ACL", "POST",
    ];

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapMethods("/.well-known/caldav", Methods, WellKnown).ExcludeFromDescription();
        app.MapMethods("/dav", Methods, (HttpContext context, CalDavHandler handler, IOptions<FeedProxyOptions> options) =>
            Public(null, context, handler, options)).ExcludeFromDescription();
        app.MapMethods("/dav/{**rest}", Methods, Public).ExcludeFromDescription();
        app.MapMethods("/private/{token}/dav/{kind}/{id}", Methods,
            (string token, string kind, string id, HttpContext context, CalDavHandler handler, PrivateAccess access, ICollectionStore collections, IOptions<FeedProxyOptions> options) =>
                Private(token, kind, id, null, context, handler, access, collections, options)).ExcludeFromDescription();
        app.MapMethods("/private/{token}/dav/{kind}/{id}/{**rest}", Methods, Private).ExcludeFromDescription();
    }

    /// <summary>RFC 6764 §5: the well-known URI redirects to the context path; clients re-send their request there.</summary>
    internal static IResult WellKnown(HttpContext context)
    {
        context.Response.Headers.Location = context.Request.PathBase.Add("/dav/").ToUriComponent();
        return Results.StatusCode(StatusCodes.Status301MovedPermanently);
    }

    internal static Task<IResult> Public(string? rest, HttpContext context, CalDavHandler handler, IOptions<FeedProxyOptions> options)
    {
        var tree = DavTree.Public(context.Request.PathBase);
        return Dispatch(tree, rest, context, handler, options.Value);
    }

    internal static async Task<IResult> Private(
        string token, string kind, string id, string? rest, HttpContext context, CalDavHandler handler, PrivateAccess access, ICollectionStore collections, IOptions<FeedProxyOptions> options)
    {
        var isCollection = kind == "collections";
        var known = (kind is "events" or "collections") && AccessTokens.LooksValid(token) && ScheduleId.IsValid(id)
            && (isCollection
                ? AccessTokens.Matches(token, await collections.GetTokenAsync(id, context.RequestAborted))
                : await access.IsValidAsync(id, token, context.RequestAborted));
        if (!known)
        {
            // Guessing tokens spends the client's budget, as for private feeds.
            return context.RequestServices.GetRequiredService<ClientBudget>().TrySpend(context) is { } wait
                ? Problems.TooManyRequests(wait)
                : CalDavHandler.NotFound();
        }

        var tree = DavTree.Private(context.Request.PathBase, new CalendarRef(isCollection, id, token));
        return await Dispatch(tree, rest, context, handler, options.Value);
    }

    private static Task<IResult> Dispatch(DavTree tree, string? rest, HttpContext context, CalDavHandler handler, FeedProxyOptions options)
    {
        if (tree.Resolve(rest) is not { } target)
        {
            return Task.FromResult(CalDavHandler.NotFound());
        }

        var request = new DavRequest(context, target, FeedEndpoints.BaseUrl(context.Request, options), context.RequestServices.GetRequiredService<ClientBudget>());
        return handler.HandleAsync(request);
    }
}
