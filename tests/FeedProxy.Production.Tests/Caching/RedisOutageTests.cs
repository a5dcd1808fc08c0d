using System.Diagnostics;
using FeedProxy.Caching;
using FeedProxy.Production.Tests.Infrastructure;

namespace FeedProxy.Production.Tests.Caching;

/// <summary>Uses its own redis-server, which it kills and restarts.</summary>
[Collection(UsesServers.Name)]
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(1200);

    [Fact]
    public async Task RedisKilled_OperationsReturnQuicklyWithoutThrowing_ThenRecoverAfterRestart()
    {
        await using var server = await RedisServer.StartAsync();
        var logger = new ListLogger<RedisFeedCacheStore>();
        using var store = new RedisFeedCacheStore(
            new RedisFeedCacheOptions { ConnectionString = server.ConnectionString, BreakDuration = TimeSpan.FromMilliseconds(500) },
            logger);
        await store.SetAsync("k", [1], ["t"], TimeSpan.FromMinutes(5), default);
        Assert.Equal([1], await store.GetAsync("k", default));

        await server.StopAsync();

        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            Assert.Null(await store.GetAsync("k", default));
            await store.SetAsync("k2", [2], ["t"], TimeSpan.FromMinutes(5), default);
            await store.EvictByTagAsync("t", default);
            Assert.True(watch.Elapsed < Quick * 3, $"Three operations took {watch.Elapsed} with Redis down.");
            await Task.Delay(100);
        }

        Assert.False(store.IsAvailable);
        Assert.Equal(1, logger.Count(3001)); // the outage is logged once, not per request

        await server.RestartAsync();

        var deadline = Stopwatch.StartNew();
        byte[]? value = null;
        while (value is null && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await store.SetAsync("k3", [3], ["t"], TimeSpan.FromMinutes(5), default);
            value = await store.GetAsync("k3", default);
            if (value is null)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal([3], value);
        Assert.True(store.IsAvailable);
        Assert.Equal(1, logger.Count(3002));
    }

    [Fact]
    public async Task RedisNeverReachable_FirstOperationsReturnQuickly()
    {
        var logger = new ListLogger<RedisFeedCacheStore>();
        using var store = new RedisFeedCacheStore(
            new RedisFeedCacheOptions { ConnectionString = $"127.0.0.1:{ExternalProcess.FreePort()}" },
            logger);

        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            Assert.Null(await store.GetAsync("k", default));
            await store.SetAsync("k", [1], [], TimeSpan.FromMinutes(1), default);
            Assert.True(watch.Elapsed < Quick * 2, $"Took {watch.Elapsed}.");
        }

        Assert.Equal(1, logger.Count(3001));
    }

    [Fact]
    public async Task TwoLevel_RedisDown_StillServesFromMemory()
    {
        using var redis = new RedisFeedCacheStore(
            new RedisFeedCacheOptions { ConnectionString = $"127.0.0.1:{ExternalProcess.FreePort()}" },
            new ListLogger<RedisFeedCacheStore>());
        var store = new TwoLevelFeedCacheStore(new MemoryFeedCacheStore(), redis);

        await store.SetAsync("k", [5], ["t"], TimeSpan.FromMinutes(1), default);

        Assert.Equal([5], await store.GetAsync("k", default));
        await store.EvictByTagAsync("t", default);
        Assert.Null(await store.GetAsync("k", default));
    }
}
