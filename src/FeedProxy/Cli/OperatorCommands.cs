using FeedProxy.Admin;
using FeedProxy.Formats.Import;
using FeedProxy.Private;
using FeedProxy.Storage.Postgres;
using Npgsql;

namespace FeedProxy.Cli;

/// <summary>
/// Operator verbs that use the configured store (files, or PostgreSQL when
/// ConnectionStrings__Postgres is set) without starting the server:
/// <code>
/// migrate                                     apply pending PostgreSQL schema migrations
/// import FILE|FOLDER --event ID [--time-zone ZONE] [--draft]
/// rotate-token ID                             new secret URL for a private event
/// </code>
/// </summary>
internal static class OperatorCommands
{
    public static readonly string[] Verbs = ["migrate", "import", TokenCommand.Name];

    public static bool Handles(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            switch (args[0])
            {
                case "migrate":
                    return await MigrateAsync(services, output, error);
                case "import":
                    return await ImportAsync(args[1..], services, output, error);
                default:
                    await MigrateIfPostgresAsync(services);
                    return await TokenCommand.TryRunAsync(args, services, output) ? Environment.ExitCode : 2;
            }
        }
        catch (ImportException ex)
        {
            await error.WriteLineAsync($"import failed: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or UnauthorizedAccessException or KeyNotFoundException)
        {
            await error.WriteLineAsync($"{args[0]} failed: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, TextWriter output, TextWriter error)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } dataSource)
        {
            await error.WriteLineAsync("migrate: set ConnectionStrings__Postgres; the embedded file store has no schema.");
            return 2;
        }

        var applied = await MigrationRunner.ApplyAsync(dataSource);
        await output.WriteLineAsync(applied.Count == 0 ? "Schema is up to date." : "Applied: " + string.Join(", ", applied));
        return 0;
    }

    private static async Task<int> ImportAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error)
    {
        string? path = null, eventId = null, timeZone = null;
        var publish = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--event" when i + 1 < args.Length: eventId = args[++i]; break;
                case "--time-zone" when i + 1 < args.Length: timeZone = args[++i]; break;
                case "--draft": publish = false; break;
                default:
                    if (path is null && !args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        path = args[i];
                        break;
                    }

                    await error.WriteLineAsync($"import: unexpected argument '{args[i]}'");
                    return 2;
            }
        }

        if (path is null || eventId is null)
        {
            await error.WriteLineAsync("Usage: import FILE|FOLDER --event ID [--time-zone ZONE] [--draft]");
            return 2;
        }

        await MigrateIfPostgresAsync(services);
        var summary = await services.GetRequiredService<ImportService>()
            .ImportAsync(eventId, ImportService.FromPath(path, timeZone), publish, CancellationToken.None);
        await output.WriteLineAsync(
            $"{(summary.Created ? "Created" : summary.Changed ? "Updated" : "Unchanged:")} event '{summary.EventId}' ({summary.Name}): {summary.Sessions} sessions, {summary.PublicSessions} public, {(summary.Published ? "published" : "draft")}.");
        return 0;
    }

    private static async Task MigrateIfPostgresAsync(IServiceProvider services)
    {
        if (services.GetService<NpgsqlDataSource>() is { } dataSource)
        {
            await MigrationRunner.ApplyAsync(dataSource);
        }
    }
}
