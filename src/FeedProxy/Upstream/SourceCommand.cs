using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace FeedProxy.Upstream;

/// <summary>
/// The <c>source</c> verb: declare, show, delete and refresh an event's upstream source in the
/// configured store without the server (the server's refresher picks declarations up by itself).
/// <code>
/// source set ID --kind ics --url URL [--refresh-seconds 300] [--time-zone ZONE] [--header "Name: value"]...
/// source show ID | source delete ID | source refresh ID
/// </code>
/// </summary>
internal static class SourceCommand
{
    public static Command Create(Func<WebApplication> buildHost, TextWriter output, TextWriter error)
    {
        var source = new Command("source", "Declare, show, delete or refresh an event's live upstream source (openevent, schedule, ics, feed).");

        var id = new Argument<string>("ID") { Description = "The event's id." };
        var kind = new Option<string>("--kind") { Required = true, HelpName = "KIND", Description = "openevent | schedule | ics | feed" };
        var url = new Option<string>("--url") { Required = true, HelpName = "URL", Description = "http, https or webcal URL of the upstream." };
        var refresh = new Option<int?>("--refresh-seconds") { HelpName = "N", Description = "Refresh interval (at least FeedProxy__Upstream__MinRefreshSeconds, default 300)." };
        var zone = new Option<string?>("--time-zone") { HelpName = "ZONE", Description = "IANA zone for upstreams that give local times only." };
        var header = new Option<string[]>("--header") { HelpName = "\"Name: value\"", Description = "A request header such as Authorization (stored as a secret, never shown again).", AllowMultipleArgumentsPerToken = false };
        var set = new Command("set", "Create or replace the source.") { id, kind, url, refresh, zone, header };
        set.SetAction((parse, ct) => Cli.OperatorHost.RunAsync("source", buildHost, error, async services =>
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in parse.GetValue(header) ?? [])
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    await error.WriteLineAsync($"source set: --header '{line.Split(':')[0]}' is not 'Name: value'.");
                    return Cli.CommandLine.UsageError;
                }

                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            var store = services.GetRequiredService<ISourceStore>();
            var eventId = parse.GetRequiredValue(id);
            var existing = await store.GetAsync(eventId, ct);
            var json = new SourceJson { Kind = parse.GetValue(kind), Url = parse.GetValue(url), RefreshSeconds = parse.GetValue(refresh), TimeZone = parse.GetValue(zone), Headers = headers.Count > 0 ? headers : null };
            var definition = json.ToDefinition(eventId, services.GetRequiredService<IOptions<FeedProxyOptions>>().Value.Upstream, existing?.Definition.Headers, out var errors);
            if (definition is null)
            {
                foreach (var (field, messages) in errors)
                {
                    await error.WriteLineAsync($"source set: {field}: {string.Join(" ", messages)}");
                }

                return Cli.CommandLine.UsageError;
            }

            await store.PutAsync(definition, ct);
            await output.WriteLineAsync($"Source of '{eventId}': {definition.Kind.ToString().ToLowerInvariant()} {definition.Url.GetLeftPart(UriPartial.Path)} every {definition.RefreshSeconds} s. The server fetches it at once; 'source refresh {eventId}' fetches it now.");
            return 0;
        }));
        source.Add(set);

        var showId = new Argument<string>("ID") { Description = "The event's id." };
        var show = new Command("show", "Print the source and its refresh status as JSON (header names only).") { showId };
        show.SetAction((parse, ct) => Cli.OperatorHost.RunAsync("source", buildHost, error, async services =>
        {
            var eventId = parse.GetRequiredValue(showId);
            if (await services.GetRequiredService<ISourceStore>().GetAsync(eventId, ct) is not { } found)
            {
                await error.WriteLineAsync($"source show: event '{eventId}' has no source.");
                return 1;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(SourceView.From(found.Definition, found.Status), SourceJsonContext.Default.SourceView));
            return 0;
        }));
        source.Add(show);

        var deleteId = new Argument<string>("ID") { Description = "The event's id." };
        var delete = new Command("delete", "Stop refreshing the event from its source; the event keeps its last schedule.") { deleteId };
        delete.SetAction((parse, ct) => Cli.OperatorHost.RunAsync("source", buildHost, error, async services =>
        {
            var eventId = parse.GetRequiredValue(deleteId);
            var deleted = await services.GetRequiredService<ISourceStore>().DeleteAsync(eventId, ct);
            await (deleted ? output : error).WriteLineAsync(deleted ? $"Source of '{eventId}' deleted." : $"source delete: event '{eventId}' has no source.");
            return deleted ? 0 : 1;
        }));
        source.Add(delete);

        var refreshId = new Argument<string>("ID") { Description = "The event's id." };
        var refreshNow = new Command("refresh", "Fetch the source now and print the outcome.") { refreshId };
        refreshNow.SetAction((parse, ct) => Cli.OperatorHost.RunAsync("source", buildHost, error, async services =>
        {
            var eventId = parse.GetRequiredValue(refreshId);
            var store = services.GetRequiredService<ISourceStore>();
            if (await store.GetAsync(eventId, ct) is not { } found)
            {
                await error.WriteLineAsync($"source refresh: event '{eventId}' has no source.");
                return 1;
            }

            var status = await services.GetRequiredService<SourceRefresher>().RefreshNowAsync(eventId, ct);
            if (status is null)
            {
                await error.WriteLineAsync("source refresh: a refresh of this source is under way elsewhere; try again shortly.");
                return 1;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(SourceView.From(found.Definition, status), SourceJsonContext.Default.SourceView));
            return status.LastResult == "error" ? 1 : 0;
        }));
        source.Add(refreshNow);
        return source;
    }
}
