using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FeedProxy.Caching;

public static class FeedCacheServiceCollectionExtensions
{
    /// <summary>Registers <see cref="MemoryFeedCacheStore"/> as the <see cref="IFeedCacheStore"/>.</summary>
    public static IServiceCollection AddMemoryFeedCache(this IServiceCollection services, long maxBytes = 128L * 1024 * 1024) =>
        services.AddMemoryFeedCache(_ => maxBytes);

    /// <summary>The same, with the size taken from the container (bound options) when the cache is built.</summary>
    public static IServiceCollection AddMemoryFeedCache(this IServiceCollection services, Func<IServiceProvider, long> maxBytes)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddMemory(services, maxBytes);
        services.AddSingleton<IFeedCacheStore>(sp => sp.GetRequiredService<MemoryFeedCacheStore>());
        return services;
    }

    /// <summary>
    /// Registers the shared Redis cache behind an in-process one
    /// (<see cref="TwoLevelFeedCacheStore"/>) as the <see cref="IFeedCacheStore"/>. Redis being
    /// down at start or later is not an error: the memory level keeps serving.
    /// </summary>
    public static IServiceCollection AddRedisFeedCache(
        this IServiceCollection services,
        string connectionString,
        long memoryMaxBytes = 128L * 1024 * 1024,
        Action<RedisFeedCacheOptions>? configure = null) =>
        services.AddRedisFeedCache(connectionString, _ => memoryMaxBytes, configure);

    /// <summary>The same, with the memory level's size taken from the container (bound options) when it is built.</summary>
    public static IServiceCollection AddRedisFeedCache(
        this IServiceCollection services,
        string connectionString,
        Func<IServiceProvider, long> memoryMaxBytes,
        Action<RedisFeedCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new RedisFeedCacheOptions { ConnectionString = connectionString };
        configure?.Invoke(options);

        AddMemory(services, memoryMaxBytes);
        services.TryAddSingleton(sp => new RedisFeedCacheStore(
            options,
            sp.GetRequiredService<ILogger<RedisFeedCacheStore>>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new TwoLevelFeedCacheStore(
            sp.GetRequiredService<MemoryFeedCacheStore>(),
            sp.GetRequiredService<RedisFeedCacheStore>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IFeedCacheStore>(sp => sp.GetRequiredService<TwoLevelFeedCacheStore>());
        return services;
    }

    private static void AddMemory(IServiceCollection services, Func<IServiceProvider, long> maxBytes) =>
        services.TryAddSingleton(sp => new MemoryFeedCacheStore(
            new MemoryFeedCacheOptions { MaxBytes = maxBytes(sp) },
            sp.GetService<TimeProvider>()));
}
