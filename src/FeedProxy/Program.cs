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

// Default listener for the embedded run; ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, --urls or a
// Kestrel endpoint section (the container sets ASPNETCORE_URLS=http://+:8080) take precedence.
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
    && string.IsNullOrEmpty(builder.Configuration["HTTP_PORTS"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:8080");
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
