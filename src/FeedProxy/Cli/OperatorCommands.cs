using System.CommandLine;
using FeedProxy.Admin;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using FeedProxy.Private;
using FeedProxy.Storage;
using FeedProxy.Storage.Postgres;
using Npgsql;

namespace FeedProxy.Cli;

/// <summary>
/// Operator verbs that use the configured store (files, or PostgreSQL when
/// ConnectionStrings__Postgres is set) without starting the server. Messages name the
/// flags the operator can type, never the library's option names.
/// </summary>
internal static class OperatorCommands
{
    public static IEnumerable<Command> Create(Func<WebApplication> buildHost, TextWriter output, TextWriter error)
    {
        var migrate = new Command("migrate", "Apply pending PostgreSQL schema migrations (needs ConnectionStrings__Postgres).");
        migrate.SetAction((_, ct) => OperatorHost.RunAsync("migrate", buildHost, error, services => MigrateAsync(services, output, error)));
        yield return migrate;

        var path = new Argument<string>("FILE|FOLDER") { Description = "frab/pentabarf XML, schedule JSON, or an Open Event export (JSON files, zip or unpacked folder)." };
        var eventId = new Option<string>("--event") { HelpName = "ID", Required = true, Description = "Event id; part of every URL and calendar UID, so keep it stable." };
        var timeZone = new Option<string?>("--time-zone") { HelpName = "ZONE", Description = "IANA time zone (e.g. Europe/Brussels) for schedules that give local times only." };
        var draft = new Option<bool>("--draft") { Description = "Import unpublished: its feeds answer 404 until it is published." };
        var import = new Command(
            "import",
            "Import a schedule into the configured store: PostgreSQL when ConnectionStrings__Postgres is set, otherwise the file <events folder>/ID.json (config/events/ by default).")
        {
            path, eventId, timeZone, draft,
        };
        import.SetAction((parse, ct) => OperatorHost.RunAsync("import", buildHost, error, services =>
            ImportAsync(services, parse.GetRequiredValue(path), parse.GetRequiredValue(eventId), parse.GetValue(timeZone), !parse.GetValue(draft), output, error, ct)));
        yield return import;

        var tokenEvent = new Argument<string>("ID") { Description = "The event's id." };
        var makePrivate = new Option<bool>("--make-private") { Description = "Make a public event private first: its public URLs then answer 404." };
        var rotate = new Command(TokenCommand.Name, "Give a private event a new secret URL and print it; the previous URL answers 404 at once.")
        {
            tokenEvent, makePrivate,
        };
        rotate.SetAction((parse, ct) => OperatorHost.RunAsync(TokenCommand.Name, buildHost, error, services =>
            TokenCommand.RunAsync(services, parse.GetRequiredValue(tokenEvent), parse.GetValue(makePrivate), output, error, ct)));
        yield return rotate;
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, TextWriter output, TextWriter error)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } dataSource)
        {
            await error.WriteLineAsync("migrate: set ConnectionStrings__Postgres; the embedded file store has no schema.");
            return CommandLine.UsageError;
        }

        var applied = await MigrationRunner.ApplyAsync(dataSource);
        await output.WriteLineAsync(applied.Count == 0 ? "Schema is up to date." : "Applied: " + string.Join(", ", applied));
        return 0;
    }

    private static async Task<int> ImportAsync(
        IServiceProvider services, string path, string eventId, string? timeZone, bool publish, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            await error.WriteLineAsync($"import: no file or folder '{path}'.");
            return 1;
        }

        if (timeZone is not null && NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone) is null)
        {
            await error.WriteLineAsync($"import: --time-zone '{timeZone}' is not an IANA time zone id; use one such as --time-zone {ImportException.TimeZoneExample}.");
            return CommandLine.UsageError;
        }

        var summary = await services.GetRequiredService<ImportService>()
            .ImportAsync(eventId, ImportService.FromPath(path, timeZone), publish, cancellationToken);
        await output.WriteLineAsync(
            $"{(summary.Created ? "Created" : summary.Changed ? "Updated" : "Unchanged:")} event '{summary.EventId}' ({summary.Name}): {summary.Sessions} sessions, {summary.PublicSessions} public, {(summary.Published ? "published" : "draft")}.");
        if (services.GetService<NpgsqlDataSource>() is null)
        {
            var folder = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FeedProxyOptions>>().Value.EventsPath;
            await output.WriteLineAsync($"Written to {Path.Combine(folder, summary.EventId + ".json")} (the embedded file store).");
        }

        return 0;
    }
}
