using FeedProxy.Formats.Model;
using Carter;
using FeedProxy.Admin;
using FeedProxy.Formats.Json;
using FeedProxy.Http;
using Microsoft.Extensions.Options;

namespace FeedProxy.Upstream;

/// <summary>
/// The admin API of live sources: <c>PUT/GET/DELETE /admin/events/{id}/source</c> and
/// <c>POST /admin/events/{id}/source/refresh</c>. Same bearer token as the rest of /admin; GET
/// shows header names, never their values.
/// </summary>
public sealed class SourceEndpoints : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var token = app.ServiceProvider.GetRequiredService<IConfiguration>()[$"{FeedProxyOptions.Section}:{nameof(FeedProxyOptions.AdminToken)}"];
        if (string.IsNullOrWhiteSpace(token))
        {
            return;
        }

        var group = app.MapGroup("/admin/events/{eventId}/source")
            .AddEndpointFilter(new AdminAuthorization(token))
            .WithTags("Sources");
        group.MapGet("/", GetSource).WithName("GetSource").WithSummary("The event's upstream source and its refresh status (header values are never shown).");
        group.MapPut("/", PutSource).WithName("PutSource").Accepts<SourceJson>("application/json")
            .WithSummary("Declares where the event's schedule lives: kind openevent|schedule|ics|feed, url, refreshSeconds, timeZone, headers.");
        group.MapDelete("/", DeleteSource).WithName("DeleteSource").WithSummary("Stops refreshing; the event keeps its last schedule.");
        group.MapPost("/refresh", Refresh).WithName("RefreshSource").WithSummary("Fetches the source now and answers with the resulting status.");
    }

    internal static async Task<IResult> GetSource(string eventId, ISourceStore sources, CancellationToken cancellationToken)
    {
        if (!ScheduleId.IsValid(eventId))
        {
            return Problems.BadRequest("The event id is not valid.");
        }

        return await sources.GetAsync(eventId, cancellationToken) is { } found
            ? TypedResults.Json(SourceView.From(found.Definition, found.Status), SourceJsonContext.Default.SourceView)
            : Problems.NotFound($"Event '{eventId}' has no source.");
    }

    internal static async Task<IResult> PutSource(
        string eventId, HttpRequest request, ISourceStore sources, SourceRefresher refresher, IOptions<FeedProxyOptions> options, CancellationToken cancellationToken)
    {
        if (!ScheduleId.IsValid(eventId))
        {
            return Problems.BadRequest("The event id is not valid.");
        }

        var (body, error) = await AdminEndpoints.ReadAsync(request, SourceJsonContext.Default.SourceJson, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        var existing = await sources.GetAsync(eventId, cancellationToken);
        var definition = body.ToDefinition(eventId, options.Value.Upstream, existing?.Definition.Headers, out var errors);
        if (definition is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The source is not valid.");
        }

        await sources.PutAsync(definition, cancellationToken);
        refresher.Wake();
        var saved = await sources.GetAsync(eventId, cancellationToken);
        var view = SourceView.From(definition, saved?.Status ?? new SourceStatus());
        return existing is null
            ? TypedResults.Created($"/admin/events/{eventId}/source", view)
            : TypedResults.Ok(view);
    }

    internal static async Task<IResult> DeleteSource(string eventId, ISourceStore sources, CancellationToken cancellationToken) =>
        ScheduleId.IsValid(eventId) && await sources.DeleteAsync(eventId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"Event '{eventId}' has no source.");

    internal static async Task<IResult> Refresh(string eventId, ISourceStore sources, SourceRefresher refresher, CancellationToken cancellationToken)
    {
        if (!ScheduleId.IsValid(eventId) || await sources.GetAsync(eventId, cancellationToken) is not { } found)
        {
            return Problems.NotFound($"Event '{eventId}' has no source.");
        }

        var status = await refresher.RefreshNowAsync(eventId, cancellationToken);
        if (status is null)
        {
            return TypedResults.Problem("A refresh of this source is under way (on this or another instance); GET the source for its outcome.", statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        }

        return TypedResults.Json(SourceView.From(found.Definition, status), SourceJsonContext.Default.SourceView);
    }
}
