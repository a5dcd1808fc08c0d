using Microsoft.Extensions.Options;
using System.Text.Json;
using Carter;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Http;
using FeedProxy.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace FeedProxy.Admin;

/// <summary>
/// The organisers' API under /admin: events and everything in them as JSON (the format of
/// docs/event-format.md). Mapped only when FeedProxy:AdminToken is set.
/// </summary>
public sealed class AdminEndpoints : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        // Without a token the admin API does not exist (404), rather than being open.
        var token = app.ServiceProvider.GetRequiredService<IOptions<FeedProxyOptions>>().Value.AdminToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            return;
        }

        // The budget is spent before the token check: admin calls and token guesses are expensive work.
        var group = app.MapGroup("/admin/events")
            .AddEndpointFilter<Limits.SpendBudgetFilter>()
            .AddEndpointFilter(new AdminAuthorization(token))
            .WithTags("Admin");

        group.MapGet("/", ListEvents).WithName("ListEvents");
        group.MapGet("/{eventId}", GetEvent).WithName("GetEvent");
        group.MapPut("/{eventId}", PutEvent).WithName("PutEvent").Accepts<EventJson>("application/json");
        group.MapDelete("/{eventId}", DeleteEvent).WithName("DeleteEvent")
            .WithSummary("Deletes the event with everything in it and its live source (if any) in one step, so no refresh re-creates it; 404 when there is neither.");
        group.MapPost("/{eventId}/publish", (string eventId, AdminServices s, CancellationToken ct) => SetPublished(eventId, true, s, ct)).WithName("PublishEvent");
        group.MapPost("/{eventId}/unpublish", (string eventId, AdminServices s, CancellationToken ct) => SetPublished(eventId, false, s, ct)).WithName("UnpublishEvent");

        group.MapPost("/{eventId}/import", Import).WithName("ImportSchedule")
            .WithSummary("Creates or updates the event from frab/pentabarf XML, c3voc/pretalx schedule JSON or Open Event JSON.");
        group.MapPost("/{eventId}/token", RotateToken).WithName("RotatePrivateToken")
            .WithSummary("Issues a new secret URL token for a private event; the old URL stops working at once.");

        group.MapPut("/{eventId}/sessions/{itemId}", (string eventId, string itemId, HttpRequest r, AdminServices s, CancellationToken ct) =>
            PutItem(eventId, itemId, r, s, "sessions", EventJsonContext.Default.SessionJson, (d, x) => x.Id = itemId, d => d.Sessions ??= [], x => x.Id, ct)).WithName("PutSession").Accepts<SessionJson>("application/json");
        group.MapPut("/{eventId}/speakers/{itemId}", (string eventId, string itemId, HttpRequest r, AdminServices s, CancellationToken ct) =>
            PutItem(eventId, itemId, r, s, "speakers", EventJsonContext.Default.SpeakerJson, (d, x) => x.Id = itemId, d => d.Speakers ??= [], x => x.Id, ct)).WithName("PutSpeaker").Accepts<SpeakerJson>("application/json");
        group.MapPut("/{eventId}/tracks/{itemId}", (string eventId, string itemId, HttpRequest r, AdminServices s, CancellationToken ct) =>
            PutItem(eventId, itemId, r, s, "tracks", EventJsonContext.Default.TrackJson, (d, x) => x.Id = itemId, d => d.Tracks ??= [], x => x.Id, ct)).WithName("PutTrack").Accepts<TrackJson>("application/json");
        group.MapPut("/{eventId}/rooms/{itemId}", (string eventId, string itemId, HttpRequest r, AdminServices s, CancellationToken ct) =>
            PutItem(eventId, itemId, r, s, "rooms", EventJsonContext.Default.RoomJson, (d, x) => x.Id = itemId, d => d.Rooms ??= [], x => x.Id, ct)).WithName("PutRoom").Accepts<RoomJson>("application/json");

        group.MapDelete("/{eventId}/sessions/{itemId}", (string eventId, string itemId, AdminServices s, CancellationToken ct) =>
            DeleteItem(eventId, itemId, s, d => d.Sessions?.RemoveAll(x => x.Id == itemId) ?? 0, ct)).WithName("DeleteSession");
        group.MapDelete("/{eventId}/speakers/{itemId}", (string eventId, string itemId, AdminServices s, CancellationToken ct) =>
            DeleteItem(eventId, itemId, s, d =>
            {
                foreach (var session in d.Sessions ?? [])
                {
                    session.Speakers?.Remove(itemId);
                }

                return d.Speakers?.RemoveAll(x => x.Id == itemId) ?? 0;
            }, ct)).WithName("DeleteSpeaker");
        group.MapDelete("/{eventId}/tracks/{itemId}", (string eventId, string itemId, AdminServices s, CancellationToken ct) =>
            DeleteItem(eventId, itemId, s, d =>
            {
                foreach (var session in (d.Sessions ?? []).Where(x => x.Track == itemId))
                {
                    session.Track = null;
                }

                return d.Tracks?.RemoveAll(x => x.Id == itemId) ?? 0;
            }, ct)).WithName("DeleteTrack");
        group.MapDelete("/{eventId}/rooms/{itemId}", (string eventId, string itemId, AdminServices s, CancellationToken ct) =>
            DeleteItem(eventId, itemId, s, d =>
            {
                foreach (var session in (d.Sessions ?? []).Where(x => x.Room == itemId))
                {
                    session.Room = null;
                }

                return d.Rooms?.RemoveAll(x => x.Id == itemId) ?? 0;
            }, ct)).WithName("DeleteRoom");
    }

    internal sealed record EventSummary(string Id, string Name, bool Published, string Visibility, string Version, int Sessions, string LastModified);

    internal static async Task<Ok<EventSummary[]>> ListEvents(AdminServices services, CancellationToken cancellationToken)
    {
        var list = new List<EventSummary>();
        foreach (var id in await services.Store.ListAsync(cancellationToken))
        {
            if (await services.Store.GetAsync(id, cancellationToken) is { } s)
            {
                list.Add(new EventSummary(s.Event.Id, s.Event.Name, s.Event.Published,
                    s.Event.Visibility == EventVisibility.Private ? "private" : "public", s.Version, s.Event.Sessions.Count,
                    NodaTime.Text.InstantPattern.ExtendedIso.Format(s.Event.LastModified)));
            }
        }

        return TypedResults.Ok(list.ToArray());
    }

    internal static async Task<Results<EventDocumentResult, ProblemHttpResult>> GetEvent(string eventId, AdminServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.GetAsync(eventId, cancellationToken);
        return snapshot is null
            ? Problems.NotFound($"No event '{eventId}'.")
            : new EventDocumentResult(EventJsonWriter.FromModel(snapshot.Event));
    }

    internal static async Task<Results<EventDocumentResult, ValidationProblem, ProblemHttpResult>> PutEvent(string eventId, HttpRequest request, AdminServices services, CancellationToken cancellationToken)
    {
        if (!ScheduleId.IsValid(eventId))
        {
            return Problems.BadRequest("The event id is not valid.");
        }

        var (body, error) = await ReadAsync(request, EventJsonContext.Default.EventJson, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        var existing = await services.Store.GetAsync(eventId, cancellationToken);
        if (existing is not null)
        {
            CarryBookkeeping(EventJsonWriter.FromModel(existing.Event), body);
        }

        body.Id ??= eventId;
        return await SaveAsync(body, eventId, services, created: existing is null, errorPrefix: null, cancellationToken);
    }

    /// <summary>Uploads up to this size are buffered in memory, larger ones in a temporary file.</summary>
    private const int UploadMemoryThreshold = 1024 * 1024;

    internal static async Task<Results<Created<ImportSummary>, Ok<ImportSummary>, ProblemHttpResult>> Import(
        string eventId, HttpRequest request, ImportService imports, Microsoft.Extensions.Options.IOptions<Limits.RequestLimitOptions> limits, CancellationToken cancellationToken,
        bool publish = true, string? timeZone = null)
    {
        // Importers parse synchronously; read the upload asynchronously first, bounded (the
        // same bound Kestrel enforces, for hosts that do not). Beyond a small threshold the
        // upload goes to a temporary file (deleted on dispose), not to memory: a 60 MB schedule
        // held as a growing array cost twice its size in large-object heap, and the parse
        // reads the file back in pieces.
        var limit = Limits.RequestLimits.MaxBodyBytes(limits.Value);
        if (request.ContentLength > limit)
        {
            return Problems.TooLarge($"The schedule is larger than the limit of {limit / (1024 * 1024)} MB.");
        }

        await using var body = new Microsoft.AspNetCore.WebUtilities.FileBufferingReadStream(
            request.Body, UploadMemoryThreshold, bufferLimit: null, Path.GetTempPath());
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length > limit)
            {
                return Problems.TooLarge($"The schedule is larger than the limit of {limit / (1024 * 1024)} MB.");
            }
        }

        body.Position = 0;
        try
        {
            var summary = await imports.ImportAsync(eventId, ImportService.FromStream(body, request.ContentType, timeZone), publish, cancellationToken);
            return summary.Created
                ? TypedResults.Created($"/admin/events/{eventId}", summary)
                : TypedResults.Ok(summary);
        }
        catch (Formats.Import.ImportException ex)
        {
            return TypedResults.Problem(
                ex.NeedsTimeZone ? $"{ex.Message} Pass the timeZone query parameter, an IANA id such as ?timeZone={Formats.Import.ImportException.TimeZoneExample}." : ex.Message,
                statusCode: StatusCodes.Status400BadRequest,
                title: "The schedule cannot be imported.",
                extensions: new Dictionary<string, object?> { ["field"] = ex.Field, ["line"] = ex.Line, ["column"] = ex.Column });
        }
    }

    /// <summary>A private event's new URL: the token is shown this once.</summary>
    internal sealed record PrivateUrl(string EventId, string Token, string Path, string Ics);

    internal static async Task<Results<Ok<PrivateUrl>, ProblemHttpResult>> RotateToken(string eventId, AdminServices services, Private.PrivateAccess access, HttpRequest request, CancellationToken cancellationToken)
    {
        if (await services.Store.GetAsync(eventId, cancellationToken) is null)
        {
            return Problems.NotFound($"No event '{eventId}'.");
        }

        var token = await access.RotateAsync(eventId, cancellationToken);
        var path = "/" + Private.PrivateAccess.PathFor(eventId, token);
        return TypedResults.Ok(new PrivateUrl(eventId, token, path, path + ".ics"));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteEvent(string eventId, AdminServices services, CancellationToken cancellationToken) =>
        ScheduleId.IsValid(eventId) && await services.Admin.DeleteAsync(eventId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No event '{eventId}'.");

    internal static async Task<Results<NoContent, ProblemHttpResult>> SetPublished(string eventId, bool published, AdminServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.GetAsync(eventId, cancellationToken);
        if (snapshot is null)
        {
            return Problems.NotFound($"No event '{eventId}'.");
        }

        if (snapshot.Event.Published != published)
        {
            await services.Admin.SaveAsync(snapshot.Event with { Published = published, LastModified = services.Now() }, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<EventDocumentResult, ValidationProblem, ProblemHttpResult>> PutItem<T>(
        string eventId, string itemId, HttpRequest request, AdminServices services, string collection,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, Action<EventJson, T> setId,
        Func<EventJson, List<T>> list, Func<T, string?> idOf, CancellationToken cancellationToken)
        where T : class
    {
        if (!ScheduleId.IsValid(itemId))
        {
            return Problems.BadRequest($"The id '{Truncate(itemId)}' is not valid.");
        }

        var snapshot = await services.Store.GetAsync(eventId, cancellationToken);
        if (snapshot is null)
        {
            return Problems.NotFound($"No event '{eventId}'.");
        }

        var (item, error) = await ReadAsync(request, typeInfo, cancellationToken);
        if (item is null)
        {
            return error!;
        }

        var document = EventJsonWriter.FromModel(snapshot.Event);
        setId(document, item);
        var items = list(document);
        var index = items.FindIndex(x => idOf(x) == itemId);
        if (index >= 0)
        {
            if (item is SessionJson session && items[index] is SessionJson previous)
            {
                session.Revision ??= previous.Revision;
                session.LastModified ??= previous.LastModified;
            }

            items[index] = item;
        }
        else
        {
            index = items.Count;
            items.Add(item);
        }

        return await SaveAsync(document, eventId, services, created: false, errorPrefix: $"{collection}[{index}].", cancellationToken);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteItem(string eventId, string itemId, AdminServices services, Func<EventJson, int> remove, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.GetAsync(eventId, cancellationToken);
        if (snapshot is null)
        {
            return Problems.NotFound($"No event '{eventId}'.");
        }

        var document = EventJsonWriter.FromModel(snapshot.Event);
        if (remove(document) == 0)
        {
            return Problems.NotFound($"No '{Truncate(itemId)}' in event '{eventId}'.");
        }

        return (await SaveAsync(document, eventId, services, created: false, errorPrefix: null, cancellationToken)).Result switch
        {
            ValidationProblem invalid => invalid,
            ProblemHttpResult problem => problem,
            _ => TypedResults.NoContent(),
        };
    }

    private static async Task<Results<EventDocumentResult, ValidationProblem, ProblemHttpResult>> SaveAsync(EventJson document, string eventId, AdminServices services, bool created, string? errorPrefix, CancellationToken cancellationToken)
    {
        Event model;
        try
        {
            model = EventJsonMapper.ToModel(document, services.Now(), expectedId: eventId);
        }
        catch (EventValidationException ex)
        {
            var errors = ex.Errors.ToDictionary(
                e => errorPrefix is not null && e.Key.StartsWith(errorPrefix, StringComparison.Ordinal) ? e.Key[errorPrefix.Length..] : e.Key,
                e => e.Value,
                StringComparer.Ordinal);
            return TypedResults.ValidationProblem(errors, title: "The event is not valid.");
        }

        await services.Admin.SaveAsync(model, cancellationToken);
        var saved = await services.Store.GetAsync(eventId, cancellationToken);
        var json = EventJsonWriter.FromModel(saved?.Event ?? model);
        return new EventDocumentResult(json, created ? $"/admin/events/{eventId}" : null);
    }

    // A client that sends a session without revision or lastModified means "unchanged
    // bookkeeping"; dropping them would move SEQUENCE backwards.
    private static void CarryBookkeeping(EventJson previous, EventJson next)
    {
        var old = (previous.Sessions ?? []).ToDictionary(s => s.Id!, StringComparer.Ordinal);
        foreach (var session in next.Sessions ?? [])
        {
            if (session.Id is not null && old.TryGetValue(session.Id, out var before))
            {
                session.Revision ??= before.Revision;
                session.LastModified ??= before.LastModified;
            }
        }
    }

    internal static async Task<(T? Value, ProblemHttpResult? Error)> ReadAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem("Send the body as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken);
            return value is null ? (null, Problems.BadRequest("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"Malformed JSON at line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}: {ex.Message}"));
        }
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

/// <summary>Dependencies of the admin handlers.</summary>
internal sealed class AdminServices(IEventStore store, IEventAdminStore admin, TimeProvider time)
{
    public IEventStore Store { get; } = store;
    public IEventAdminStore Admin { get; } = admin;

    public Instant Now() => Instant.FromDateTimeOffset(time.GetUtcNow());
}
