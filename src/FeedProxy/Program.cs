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
// Only the server process: test hosts never get here (WebApplicationFactory stops at Build).
FeedProxy.Caching.ManagedHeapLimit.Apply(
    app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FeedProxyOptions>>().Value.Caching,
    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FeedProxy.Caching.ManagedHeapLimit).FullName!));
app.MapFeedProxy();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can host it (AlbaHost, WebApplicationFactory).</summary>
public partial class Program;
