using System.CommandLine;

namespace FeedProxy.Cli;

/// <summary>`healthcheck`: GET /healthz on the local listener, for a container HEALTHCHECK (the runtime image has no curl).</summary>
internal static class HealthCheckCommand
{
    public static Command Create()
    {
        var command = new Command("healthcheck", "Ask the running server's /healthz; exit 0 when it answers 200 (for container HEALTHCHECK).");
        command.SetAction((parse, cancellationToken) => RunAsync(parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter error, CancellationToken cancellationToken)
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "http://localhost:8080";
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri(new Uri(first.TrimEnd('/') + "/"), "healthz"), cancellationToken);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"healthcheck: {ex.Message}");
            return 1;
        }
    }
}
