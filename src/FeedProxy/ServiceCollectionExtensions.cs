using FeedProxy.Admin;
using FeedProxy.Caching;
using FeedProxy.Feeds;
using FeedProxy.Observability;
using FeedProxy.Storage;

namespace FeedProxy;

/// <summary>All of FeedProxy's registrations, chosen by configuration.</summary>
internal static class ServiceCollectionExtensions
{
    public static IServiceCollection AddFeedProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FeedProxyOptions>().Bind(configuration.GetSection(FeedProxyOptions.Section));
        services.AddProblemDetails();
        services.AddObservability(configuration);
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<FileEventStore>();
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<FileEventStore>());
        services.AddHostedService(sp => sp.GetRequiredService<FileEventStore>());

        services.AddSingleton<IEventAdminStore, FileEventAdminStore>();
        services.AddSingleton<AdminServices>();

        services.AddSingleton<IFeedCacheStore, MemoryFeedCacheStore>();
        services.AddSingleton<FeedService>();
        return services;
    }

    public static WebApplication MapFeedProxy(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseObservability();
        app.MapFeeds();

        // Without a token the admin API does not exist (404), rather than being open.
        var adminToken = app.Configuration[$"{FeedProxyOptions.Section}:{nameof(FeedProxyOptions.AdminToken)}"];
        if (!string.IsNullOrWhiteSpace(adminToken))
        {
            app.MapAdmin(adminToken);
        }

        return app;
    }
}
