using System.CommandLine;

namespace FeedProxy.Cli;

/// <summary>
/// Decides between the server and an operator command, and runs the command. Without
/// arguments, or with only host settings (<c>--urls=…</c>, <c>--FeedProxy:Key=value</c>),
/// the server starts. A first word, <c>--help</c> or <c>-h</c> is a command line for
/// System.CommandLine: a known verb runs, anything else is a usage error (exit 2) that lists
/// the verbs. A typo therefore never starts the server, which could be on the production
/// database when ConnectionStrings__Postgres is exported.
/// </summary>
internal static class CommandLine
{
    /// <summary>Exit code of a command line that could not be understood (sysexits-style usage error).</summary>
    public const int UsageError = 2;

    private static readonly string[] HelpTokens = ["--help", "-h", "-?", "--version"];

    public static bool IsCommand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return false;
        }

        // Host settings are "--key=value", "--key value" or "key=value"; a bare word is a verb.
        return args.Any(a => HelpTokens.Contains(a, StringComparer.Ordinal))
            || (!args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal));
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    /// <param name="buildHost">Builds the configured application (store, cache) for verbs that need it; called at most once.</param>
    public static async Task<int> InvokeAsync(string[] args, Func<WebApplication> buildHost, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(buildHost);
        var root = Build(buildHost, output, error);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            // Then the help of the command in question (the verbs, for an unknown one), on stderr.
            await error.WriteLineAsync();
            var command = result.CommandResult.Command;
            string[] help = command == root ? ["--help"] : [command.Name, "--help"];
            await root.Parse(help).InvokeAsync(new InvocationConfiguration { Output = error, Error = error });
            return UsageError;
        }

        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The verbs, their arguments and options: what --help prints.</summary>
    internal static RootCommand Build(Func<WebApplication> buildHost, TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "FeedProxy serves event schedules as live calendar and feed subscriptions.\n"
            + "Run without a command to start the server (settings: --urls=URL, --FeedProxy:Key=value, or the environment variables in the README).");
        // Only reached with host settings mixed into a command line (Program starts the server
        // for those alone); an action here also keeps "required command" out of the errors.
        root.SetAction(_ => UsageError);
        root.Add(HealthCheckCommand.Create());
        foreach (var command in OperatorCommands.Create(buildHost, output, error))
        {
            root.Add(command);
        }

        root.Add(Upstream.SourceCommand.Create(buildHost, output, error));
        root.Add(Push.Webhooks.WebhookCommand.Create(buildHost, output, error));

        return root;
    }
}
