namespace FeedProxy;

/// <summary>Builds the application: the server, or the services an operator command uses.</summary>
internal static class FeedProxyHost
{
    /// <param name="args">Host settings (--urls=…, --FeedProxy:Key=value); none for operator commands.</param>
    /// <param name="forCommand">Quiet (warnings only) and no command-line settings: the arguments were the command's.</param>
    public static WebApplication Build(string[] args, bool forCommand)
    {
        // appsettings.json ships next to the binary; relative paths in it (config/events) are
        // resolved against the working directory, so `dotnet run --project src/FeedProxy` from the
        // repository root serves the repository's config/.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = forCommand ? [] : args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (forCommand)
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

        FastPath.KestrelSettings.Apply(builder.Services);
        builder.Services.AddFeedProxy(builder.Configuration);
        return builder.Build();
    }
}
