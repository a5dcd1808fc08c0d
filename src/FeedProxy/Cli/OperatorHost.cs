using FeedProxy.Formats.Import;
using FeedProxy.Storage.Postgres;
using Npgsql;

namespace FeedProxy.Cli;

/// <summary>
/// Runs one operator verb against the configured store without starting the server: builds
/// the host, applies pending PostgreSQL migrations (except for <c>migrate</c> itself), and
/// turns the store's and the file system's failures into a one-line message and exit code 1.
/// </summary>
internal static class OperatorHost
{
    public static async Task<int> RunAsync(string verb, Func<WebApplication> buildHost, TextWriter error, Func<IServiceProvider, Task<int>> run)
    {
        try
        {
            await using var app = buildHost();
            if (verb != "migrate" && app.Services.GetService<NpgsqlDataSource>() is { } dataSource)
            {
                await MigrationRunner.ApplyAsync(dataSource);
            }

            return await run(app.Services);
        }
        catch (ImportException ex)
        {
            await error.WriteLineAsync($"{verb} failed: {ex.Message}");
            if (ex.NeedsTimeZone)
            {
                await error.WriteLineAsync($"Pass --time-zone ZONE with an IANA time zone id, e.g. --time-zone {ImportException.TimeZoneExample}.");
            }

            return 1;
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or UnauthorizedAccessException or KeyNotFoundException)
        {
            await error.WriteLineAsync($"{verb} failed: {ex.Message}");
            return 1;
        }
    }

}
