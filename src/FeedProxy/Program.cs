using FeedProxy;
using FeedProxy.Cli;

if (CommandLine.TryGetVerb(args, out var verb))
{
    return await verb!(args[1..]);
}

// appsettings.json ships next to the binary; relative paths in it (config/events) are
// resolved against the working directory, so `dotnet run --project src/FeedProxy` from the
// repository root serves the repository's config/.
var isOperatorCommand = OperatorCommands.Handles(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = isOperatorCommand ? [] : args,
    ContentRootPath = AppContext.BaseDirectory,
});
if (isOperatorCommand)
{
    builder.Configuration["Logging:LogLevel:Default"] = "Warning";
}

builder.Services.AddFeedProxy(builder.Configuration);

var app = builder.Build();
if (isOperatorCommand)
{
    return await OperatorCommands.RunAsync(args, app.Services, Console.Out, Console.Error);
}

app.MapFeedProxy();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
