namespace FeedProxy.CalDav;

/// <summary>Registers the CalDAV server's services; the endpoints are a Carter module.</summary>
internal static class CalDavServiceCollectionExtensions
{
    public static IServiceCollection AddCalDav(this IServiceCollection services, bool postgres)
    {
        if (postgres)
        {
            services.AddSingleton<ISyncHistory, PostgresSyncHistory>();
        }
        else
        {
            services.AddSingleton<ISyncHistory, FileSyncHistory>();
        }

        services.AddSingleton<CalendarIndexKind>();
        services.AddSingleton<CalendarIndexService>();
        services.AddSingleton<TimeRangeMatcher>();
        services.AddSingleton<SyncCollectionReport>();
        services.AddSingleton<CalendarQueryReport>();
        services.AddSingleton<ReportHandler>();
        services.AddSingleton<PropfindHandler>();
        services.AddSingleton<CalDavHandler>();
        return services;
    }
}
