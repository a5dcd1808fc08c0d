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
        }
        else
        {
            services.AddSingleton<ITombstoneStore, FileTombstoneStore>();
        }

        services.AddSingleton<Tombstones>();
        services.AddHostedService(sp => sp.GetRequiredService<Tombstones>());
        return services;
    }
}
