using Carter;
using FeedProxy.Feeds;
using FeedProxy.Http;
using FeedProxy.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FeedProxy.Private;

/// <summary>
/// Private (unlisted) events, served only under their secret token:
/// /private/{token}/events/{id}.{ext}, the page at /private/{token}/events/{id}, and single
/// sessions at /private/{token}/events/{id}/sessions/{sessionId}.{ext}. Calendar clients
/// cannot send credentials, so the URL is the credential. A wrong token and an unknown event
/// give the same 404.
/// </summary>
public sealed class PrivateEndpoints : ICarterModule
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/private/{token}/events").WithTags("Private feeds").ExcludeFromDescription();
        group.MapMethods("/{file}", Methods, GetPrivateFeed);
        group.MapMethods("/{eventId}/sessions/{file}", Methods, GetPrivateSessionFeed);
    }

    internal static async Task<IResult> GetPrivateFeed(
        string token, string file, HttpContext context, FeedService feeds, PrivateAccess access, IOptions<FeedProxyOptions> options)
    {
        var parsed = FeedRequest.TryParse(file, context.Request.Query, sessionId: null, out var request, out var error);
        var eventId = parsed ? request!.EventId : file;
        if (!await access.IsValidAsync(eventId, token, context.RequestAborted))
        {
            return Refused(context);
        }

        if (!parsed)
        {
            if (error is null && SubscribePageEndpoint.AcceptsHtml(context.Request))
            {
                if (context.RequestServices.GetRequiredService<Limits.ClientBudget>().TrySpend(context) is { } wait)
                {
                    return Problems.TooManyRequests(wait);
                }

                return await SubscribePageEndpoint.ServeAsync(file, new PageAccess(token), context);
            }

            return error is null ? NotFound() : Problems.BadRequest(error);
        }

        return await FeedEndpoints.ServeAsync(request!, context, feeds, options.Value, allowPrivate: true);
    }

    internal static async Task<IResult> GetPrivateSessionFeed(
        string token, string eventId, string file, HttpContext context, FeedService feeds, PrivateAccess access, IOptions<FeedProxyOptions> options)
    {
        if (!await access.IsValidAsync(eventId, token, context.RequestAborted))
        {
            return Refused(context);
        }

        var dot = file.LastIndexOf('.');
        var sessionId = dot > 0 ? file[..dot] : file;
        var extension = dot > 0 ? file[dot..] : string.Empty;
        if (!FeedRequest.TryParse(eventId + extension, context.Request.Query, sessionId, out var request, out var error))
        {
            return error is null ? NotFound() : Problems.BadRequest(error);
        }

        return await FeedEndpoints.ServeAsync(request!, context, feeds, options.Value, allowPrivate: true);
    }

    private static ProblemHttpResult NotFound() => Problems.NotFound("No feed at this URL.");

    // Guessing tokens spends the client's budget: after the burst, guesses get 429.
    internal static IResult Refused(HttpContext context) =>
        context.RequestServices.GetRequiredService<Limits.ClientBudget>().TrySpend(context) is { } wait
            ? Problems.TooManyRequests(wait)
            : NotFound();
}
