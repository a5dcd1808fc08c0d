using FeedProxy;
using FeedProxy.Cli;

if (CommandLine.TryGetVerb(args, out var verb))
{
    return await verb!(args[1..]);
}

// appsettings.json ships next to the binary; relative paths in it (config/events) are
// resolved against the working directory, so `dotnet run --project src/FeedProxy` from the
// repository root serves the repository's config/.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Services.AddFeedProxy(builder.Configuration);

var app = builder.Build();
app.MapFeedProxy();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
