using Carter;
using FeedProxy.Admin;
using FeedProxy.Http;

namespace FeedProxy.Push.Webhooks;

/// <summary>
/// /admin/webhooks: Standard Webhooks endpoints that receive one signed POST per change item
/// of the events and collections they name (docs/push.md). Mapped only with an admin token.
/// </summary>
public sealed class WebhookEndpoints : ICarterModule
{
    private const int MaxBodyBytes = 64 * 1024;

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var token = app.ServiceProvider.GetRequiredService<IConfiguration>()[$"{FeedProxyOptions.Section}:{nameof(FeedProxyOptions.AdminToken)}"];
        if (string.IsNullOrWhiteSpace(token))
        {
            return;
        }

        var group = app.MapGroup("/admin/webhooks")
            .AddEndpointFilter<Limits.SpendBudgetFilter>()
            .AddEndpointFilter(new AdminAuthorization(token))
            .WithTags("Webhooks");
        group.MapGet("/", List).WithName("ListWebhooks");
        group.MapGet("/{webhookId}", Get).WithName("GetWebhook");
        group.MapPut("/{webhookId}", Put).WithName("PutWebhook").Accepts<WebhookJson>("application/json")
            .WithSummary("Creates or replaces a webhook; a secret is generated and returned once when none is given.");
        group.MapDelete("/{webhookId}", Delete).WithName("DeleteWebhook");
    }

    internal static async Task<IResult> List(WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Json([.. await webhooks.ListAsync(cancellationToken)], WebhookJsonContext.Default.ListWebhookView);

    internal static async Task<IResult> Get(string webhookId, WebhookService webhooks, CancellationToken cancellationToken) =>
        await webhooks.GetAsync(webhookId, cancellationToken) is { } view
            ? TypedResults.Json(view, WebhookJsonContext.Default.WebhookView)
            : Problems.NotFound($"No webhook '{Truncate(webhookId)}'.");

    internal static async Task<IResult> Put(string webhookId, HttpRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            return Problems.TooLarge("A webhook definition is at most 64 KB.");
        }

        var (body, error) = await AdminEndpoints.ReadAsync(request, WebhookJsonContext.Default.WebhookJson, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        var (view, created, errors) = await webhooks.PutAsync(webhookId, body, cancellationToken);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return created
            ? TypedResults.Json(view, WebhookJsonContext.Default.WebhookView, statusCode: StatusCodes.Status201Created)
            : TypedResults.Json(view, WebhookJsonContext.Default.WebhookView);
    }

    internal static async Task<IResult> Delete(string webhookId, WebhookService webhooks, CancellationToken cancellationToken) =>
        await webhooks.DeleteAsync(webhookId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No webhook '{Truncate(webhookId)}'.");

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
