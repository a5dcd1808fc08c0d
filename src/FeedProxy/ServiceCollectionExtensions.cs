using FeedProxy.CalDav;
using Carter;
using FeedProxy.Admin;
using FeedProxy.Agenda;
using FeedProxy.Caching;
using FeedProxy.Changes;
using FeedProxy.Collections;
using FeedProxy.FastPath;
using FeedProxy.Feeds;
using FeedProxy.Limits;
using FeedProxy.Gone;
using FeedProxy.Observability;
using FeedProxy.Push;
using FeedProxy.Private;
using FeedProxy.Rendering;
using FeedProxy.Storage;
using FeedProxy.Storage.Postgres;
using FeedProxy.Upstream;
using Microsoft.Extensions.Options;

namespace FeedProxy;

/// <summary>All of FeedProxy's registrations, chosen by configuration.</summary>
internal static class ServiceCollectionExtensions
{
    public static IServiceCollection AddFeedProxy(this IServiceCollection services, IConfiguration configuration)
    {
        // Every options class is bound one way: AddOptions<T>().BindConfiguration(T.Section).
        services.AddOptions<FeedProxyOptions>().BindConfiguration(FeedProxyOptions.Section);
        services.AddRequestLimits();
        services.AddObservability(configuration);
        // One clock and one source of jitter for every timer, delay, timeout and backoff.
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Timing.IJitterSource, Timing.SharedJitterSource>();

        // The store and the cache are chosen by configuration: PostgreSQL and Redis when their
        // connection strings are set, else the embedded file store and an in-process cache.
        var postgres = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            services.AddPostgresEventStore(postgres);
            services.AddSingleton<IEventAdminStore, PostgresEventAdminStore>();
            services.AddSingleton<IAccessTokenStore, PostgresAccessTokenStore>();
            services.AddSingleton<PostgresCollectionStore>();
            services.AddSingleton<ICollectionStore>(sp => new Gone.TombstoningCollectionStore(sp.GetRequiredService<PostgresCollectionStore>(), sp));
            // Its definitions stay in memory, kept fresh by the change listener's connection.
            services.AddSingleton<IPostgresNotificationChannel>(sp => sp.GetRequiredService<PostgresCollectionStore>());
            services.AddSingleton<PostgresChangeLog>();
            services.AddSingleton<IChangeLog>(sp => sp.GetRequiredService<PostgresChangeLog>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeLog>());
        }
        else
        {
            services.AddSingleton<FileEventStore>();
            services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<FileEventStore>());
            services.AddHostedService(sp => sp.GetRequiredService<FileEventStore>());
            services.AddSingleton<IEventAdminStore, FileEventAdminStore>();
            services.AddSingleton<IAccessTokenStore, FileAccessTokenStore>();
            services.AddSingleton<FileCollectionStore>();
            services.AddSingleton<ICollectionStore>(sp => new Gone.TombstoningCollectionStore(sp.GetRequiredService<FileCollectionStore>(), sp));
            services.AddSingleton<FileChangeLog>();
            services.AddSingleton<IChangeLog>(sp => sp.GetRequiredService<FileChangeLog>());
        }

        services.AddSingleton<AdminServices>();
        services.AddSingleton<ImportService>();

        // Live upstream sources (Upstream/): declarations beside the events, a background refresher.
        services.AddUpstreamSources(postgres: !string.IsNullOrWhiteSpace(postgres));

        // Push (Push/, Gone/): 410 Gone for deleted feeds, the WebSub hub, webhooks.
        services.AddPush(postgres: !string.IsNullOrWhiteSpace(postgres));

        // The in-process cache's size, from the bound options when the cache is built.
        static long MemoryLimit(IServiceProvider sp) =>
            Math.Max(1, sp.GetRequiredService<IOptions<FeedProxyOptions>>().Value.Caching.MemoryLimitMegabytes) * 1024L * 1024;
        var redis = configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redis))
        {
            services.AddRedisFeedCache(redis, MemoryLimit);
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }
        else
        {
            services.AddMemoryFeedCache(MemoryLimit);
        }

        // One cached-render pipeline; each feed kind plugs its versioning and rendering into it.
        services.AddSingleton<CompletionWorker>();
        services.AddSingleton<RenderPipeline>();
        services.AddSingleton<FeedSettings>();
        services.AddSingleton<EventFeedKind>();
        services.AddSingleton<FeedService>();
        services.AddSingleton<CollectionVersions>();
        services.AddSingleton<CollectionLoader>();
        services.AddSingleton<CollectionFeedKind>();
        services.AddSingleton<CollectionFeedService>();
        services.AddOptions<ChangeOptions>().BindConfiguration(ChangeOptions.Section);
        services.AddSingleton<ChangeFeedKind>();
        services.AddSingleton<ChangeFeedService>();
        services.AddRevalidationFastPath();
        services.AddHostedService<StartupReport>();
        services.AddHostedService<FeedProxy.Caching.NativeHeapTrimmer>();

        // Subscriber experience: agenda codes, private-event tokens, token-free request logs.
        services.AddSingleton<AgendaKeyProvider>();
        services.AddSingleton<PrivateAccess>();
        services.AddRequestLogRedaction();

        // Read-only CalDAV over the same feeds (CalDav/, docs/caldav.md).
        services.AddCalDav(postgres: !string.IsNullOrWhiteSpace(postgres));

        // Endpoint modules of this assembly only: scanning the entry assembly's dependency
        // context would differ between the server and a test host. Carter 10.0.0 finds public
        // module classes only, so the modules are public (their handlers stay internal).
        services.AddCarter(new DependencyContextAssemblyCatalog([typeof(ServiceCollectionExtensions).Assembly]));
        return services;
    }

    public static WebApplication MapFeedProxy(this WebApplication app)
    {
        app.UseRequestLimits();
        // Before routing: repeated polls of known feed URLs are answered here (FastPath), and
        // before the request-log scope unless the request log is at Debug (RevalidationStage).
        app.UseRevalidationFastPath(RevalidationStage.BeforeLogScope);
        app.UseRedactedRequestLog();
        app.UseExceptionHandler();
        app.UseRevalidationFastPath(RevalidationStage.InLogScope);
        app.UseRouting();
        app.UseStatusCodePages();
        app.UseObservability();
        app.UseUpstreamFreshness();
        app.UseGoneFeeds();

        // Every endpoint group is an ICarterModule in its feature folder (Feeds, Agenda,
        // Private, Admin, Observability, Collections, Changes, Upstream); the subscribe page
        // (Pages) is served by the feed, collection and private routes to HTML clients.
        app.MapCarter();
        return app;
    }
}
