using FeedProxy.Agenda;
using FeedProxy.Caching;
using FeedProxy.Feeds;
using FeedProxy.Private;
using FeedProxy.Storage;

namespace FeedProxy;

/// <summary>All of FeedProxy's registrations, chosen by configuration.</summary>
internal static class ServiceCollectionExtensions
{
    public static IServiceCollection AddFeedProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FeedProxyOptions>().Bind(configuration.GetSection(FeedProxyOptions.Section));
        services.AddProblemDetails();
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<FileEventStore>();
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<FileEventStore>());
        services.AddHostedService(sp => sp.GetRequiredService<FileEventStore>());

        services.AddSingleton<IFeedCacheStore, MemoryFeedCacheStore>();
        services.AddSingleton<FeedService>();

        // Subscriber experience: agenda codes, private-event tokens, token-free request logs.
        services.AddSingleton<AgendaKeyProvider>();
        services.AddSingleton<IAccessTokenStore, FileAccessTokenStore>();
        services.AddSingleton<PrivateAccess>();
        services.AddRequestLogRedaction();
        return services;
    }

    public static WebApplication MapFeedProxy(this WebApplication app)
    {
        app.UseRedactedRequestLog();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapGet("/healthz", () => TypedResults.Text("ok")).WithTags("Health").ExcludeFromDescription();
        app.MapFeeds();
        app.MapAgenda();
        app.MapPrivateFeeds();
        return app;
    }
}
