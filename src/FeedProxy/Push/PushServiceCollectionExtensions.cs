using FeedProxy.Gone;

namespace FeedProxy.Push;

internal static class PushServiceCollectionExtensions
{
    /// <summary>
    /// 410 Gone for deleted feeds, the WebSub hub and webhooks: their stores (PostgreSQL tables
    /// of migration 0012, or the state folder), the delivery worker and the outbound client.
    /// </summary>
    public static IServiceCollection AddPush(this IServiceCollection services, bool postgres)
    {
        if (postgres)
        {
            services.AddSingleton<ITombstoneStore, PostgresTombstoneStore>();
            services.AddSingleton<IPushStore, PostgresPushStore>();
        }
        else
        {
            services.AddSingleton<ITombstoneStore, FileTombstoneStore>();
            services.AddSingleton<IPushStore, FilePushStore>();
        }

        services.AddSingleton<Tombstones>();
        services.AddHostedService(sp => sp.GetRequiredService<Tombstones>());

        services.AddSingleton<Sending.PushMetrics>();
        services.AddSingleton<Sending.PushSender>();
        services.AddSingleton<Sending.DeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Sending.DeliveryWorker>());
        services.AddSingleton<Sending.PushDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Sending.PushDispatcher>());
        services.AddSingleton<Webhooks.WebhookService>();
        services.AddSingleton<WebSub.HubVerifier>();
        return services;
    }
}
