namespace FeedProxy.Cli;

/// <summary>
/// Verbs run instead of the server: `healthcheck` (for container HEALTHCHECK, which has no
/// curl), and the operator commands registered by other features. Unknown first arguments
/// fall through to the web host (which accepts its own --key=value arguments).
/// </summary>
internal static class CommandLine
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Verbs = new(StringComparer.Ordinal)
    {
        ["healthcheck"] = HealthCheckAsync,
    };

    public static void Register(string verb, Func<string[], Task<int>> run) => Verbs[verb] = run;

    public static bool TryGetVerb(string[] args, out Func<string[], Task<int>>? run)
    {
        run = null;
        return args.Length > 0 && Verbs.TryGetValue(args[0], out run);
    }

    /// <summary>GET /healthz on the local listener; exit 0 when it answers 200.</summary>
    private static async Task<int> HealthCheckAsync(string[] args)
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "http://localhost:8080";
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri(new Uri(first.TrimEnd('/') + "/"), "healthz"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"healthcheck: {ex.Message}");
            return 1;
        }
    }
}
