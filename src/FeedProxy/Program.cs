using FeedProxy;
using FeedProxy.Cli;

// First, before anything starts .NET's signal handling: SIGINT stops a background run too.
InterruptSignal.RestoreDefault();

// A word or --help is a command line (a known verb, or a usage error listing the verbs):
// a typo must never start the server. Anything else configures the server.
if (CommandLine.IsCommand(args))
{
    return await CommandLine.InvokeAsync(args, () => FeedProxyHost.Build([], forCommand: true), Console.Out, Console.Error);
}

var app = FeedProxyHost.Build(args, forCommand: false);
// The heap limit is process-wide, so only when this is the server's own process: an in-process
// test host (WebApplicationFactory lets the entry point run on to Run) shares its process
// with every other test, and a limit sized for one server made that process run out of memory.
if (System.Reflection.Assembly.GetEntryAssembly() == typeof(FeedProxyHost).Assembly)
{
    FeedProxy.Caching.ManagedHeapLimit.Apply(
        app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FeedProxyOptions>>().Value.Caching,
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FeedProxy.Caching.ManagedHeapLimit).FullName!));
}

app.MapFeedProxy();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can host it (AlbaHost, WebApplicationFactory).</summary>
public partial class Program;
