namespace FeedProxy.Private;

/// <summary>
/// Command-line hook for operators without the admin API:
/// <c>dotnet FeedProxy.dll rotate-token {eventId}</c> prints the event's new private page
/// path (feeds: append .ics, .xcs, .rss, .atom or .json) and exits. Works on the shared
/// token store, so running servers honour the new token on their next request.
/// </summary>
internal static class TokenCommand
{
    public const string Name = "rotate-token";

    /// <summary>Runs the command when <paramref name="args"/> names it; false otherwise (start the server).</summary>
    public static async Task<bool> TryRunAsync(string[] args, IServiceProvider services, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Length == 0 || !string.Equals(args[0], Name, StringComparison.Ordinal))
        {
            return false;
        }

        if (args.Length != 2)
        {
            await output.WriteLineAsync($"Usage: {Name} <eventId>");
            Environment.ExitCode = 2;
            return true;
        }

        var token = await services.GetRequiredService<PrivateAccess>().RotateAsync(args[1], cancellationToken);
        await output.WriteLineAsync("/" + PrivateAccess.PathFor(args[1], token));
        return true;
    }
}
