using System.CommandLine;
using System.Text.Json;

namespace FeedProxy.Push.Webhooks;

/// <summary>
/// The <c>webhook</c> verb: the admin API's webhook operations in the configured store,
/// without the server (a running server delivers to new webhooks by itself).
/// <code>
/// webhook set ID --url URL [--event ID]... [--collection ID]... [--secret whsec_...]
/// webhook show ID | webhook list | webhook delete ID
/// </code>
/// </summary>
internal static class WebhookCommand
{
    public static Command Create(Func<WebApplication> buildHost, TextWriter output, TextWriter error)
    {
        var webhook = new Command("webhook", "Create, show, list or delete Standard Webhooks receivers of schedule changes.");

        var id = new Argument<string>("ID") { Description = "The webhook's id." };
        var url = new Option<string>("--url") { Required = true, HelpName = "URL", Description = "http or https URL that receives one POST per change." };
        var events = new Option<string[]>("--event") { HelpName = "ID", Description = "An event whose changes are sent (repeatable)." };
        var collections = new Option<string[]>("--collection") { HelpName = "ID", Description = "A collection whose member events' changes are sent (repeatable)." };
        var secret = new Option<string?>("--secret") { HelpName = "whsec_…", Description = "The signing secret; generated and printed once when left out." };
        var set = new Command("set", "Create or replace the webhook.") { id, url, events, collections, secret };
        set.SetAction((parse, ct) => Cli.OperatorHost.RunAsync("webhook", buildHost, error, async services =>
        {
            var body = new WebhookJson
            {
                Url = parse.GetValue(url),
                Events = [.. parse.GetValue(events) ?? []],
                Collections = [.. parse.GetValue(collections) ?? []],
                Secret = parse.GetValue(secret),
            };
            var (view, _, errors) = await services.GetRequiredService<WebhookService>().PutAsync(parse.GetRequiredValue(id), body, ct);
            if (errors is not null)
            {
                foreach (var (field, messages) in errors)
                {
                    await error.WriteLineAsync($"webhook set: {field}: {string.Join(" ", messages)}");
                }

                return Cli.CommandLine.UsageError;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(view!, WebhookJsonContext.Default.WebhookView));
            return 0;
        }));
        webhook.Add(set);

        var showId = new Argument<string>("ID") { Description = "The webhook's id." };
        var show = new Command("show", "Print the webhook and its delivery status as JSON (never the secret).") { showId };
        show.SetAction((parse, ct) => Cli.OperatorHost.RunAsync("webhook", buildHost, error, async services =>
        {
            var webhookId = parse.GetRequiredValue(showId);
            if (await services.GetRequiredService<WebhookService>().GetAsync(webhookId, ct) is not { } view)
            {
                await error.WriteLineAsync($"webhook show: no webhook '{webhookId}'.");
                return 1;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(view, WebhookJsonContext.Default.WebhookView));
            return 0;
        }));
        webhook.Add(show);

        var list = new Command("list", "Print every webhook and its delivery status as JSON.");
        list.SetAction((parse, ct) => Cli.OperatorHost.RunAsync("webhook", buildHost, error, async services =>
        {
            var all = await services.GetRequiredService<WebhookService>().ListAsync(ct);
            await output.WriteLineAsync(JsonSerializer.Serialize([.. all], WebhookJsonContext.Default.ListWebhookView));
            return 0;
        }));
        webhook.Add(list);

        var deleteId = new Argument<string>("ID") { Description = "The webhook's id." };
        var delete = new Command("delete", "Delete the webhook and its pending deliveries.") { deleteId };
        delete.SetAction((parse, ct) => Cli.OperatorHost.RunAsync("webhook", buildHost, error, async services =>
        {
            var webhookId = parse.GetRequiredValue(deleteId);
            var deleted = await services.GetRequiredService<WebhookService>().DeleteAsync(webhookId, ct);
            await (deleted ? output : error).WriteLineAsync(deleted ? $"Webhook '{webhookId}' deleted." : $"webhook delete: no webhook '{webhookId}'.");
            return deleted ? 0 : 1;
        }));
        webhook.Add(delete);
        return webhook;
    }
}
