using FeedProxy.Formats.Model;
using System.Collections.Immutable;
using Carter;
using FeedProxy.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FeedProxy.Agenda;

/// <summary>
/// Personal agenda feeds: /events/{id}/agenda/{code}.{ics|xcs|rss|atom|json}, the sessions a
/// subscriber ticked on the subscribe page, with no account. Every failure is the same 404,
/// so a forged code learns nothing.
/// </summary>
public sealed class AgendaEndpoints : ICarterModule
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapMethods("/events/{eventId}/agenda/{file}", Methods, GetAgendaFeed)
            .WithTags("Feeds")
            .WithName("GetAgendaFeed")
            .WithSummary("A live feed of the sessions named by a signed agenda code.");
    }

    internal static async Task<IResult> GetAgendaFeed(
        string eventId, string file, HttpContext context, FeedService feeds, AgendaKeyProvider keys, IOptions<FeedProxyOptions> options)
    {
        var dot = file.LastIndexOf('.');
        if (dot <= 0 || !ScheduleId.IsValid(eventId))
        {
            return NotFound();
        }

        var sessionIds = keys.Codes.TryRead(eventId, file[..dot]);
        if (sessionIds is null)
        {
            // Forged codes spend the client's budget like bogus private tokens.
            return context.RequestServices.GetRequiredService<Limits.ClientBudget>().TrySpend(context) is { } wait
                ? Problems.TooManyRequests(wait)
                : NotFound();
        }

        if (!FeedRequest.TryParse(eventId + file[dot..], context.Request.Query, sessionId: null, out var request, out var error))
        {
            return error is null ? NotFound() : Problems.BadRequest(error);
        }

        if (sessionIds.Count == 0)
        {
            return NotFound();
        }

        request = request! with { SessionIds = sessionIds.ToImmutableSortedSet(StringComparer.Ordinal) };
        return await FeedEndpoints.ServeAsync(request, context, feeds, options.Value, allowPrivate: false);
    }

    private static ProblemHttpResult NotFound() => Problems.NotFound("No agenda at this URL.");

    /// <summary>Path of an agenda feed, relative to the base URL.</summary>
    public static string PathFor(string eventId, string code, string extension) =>
        $"events/{Uri.EscapeDataString(eventId)}/agenda/{code}.{extension}";
}
