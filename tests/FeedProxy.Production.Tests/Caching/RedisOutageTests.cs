using FeedProxy.Caching;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FeedProxy.Production.Tests.Caching;

/// <summary>Uses its own redis-server, which it kills and restarts.</summary>
[Collection(UsesServers.Name)]
public sealed class RedisOutageTests
{
    [Fact]
    public async Task RedisKilled_OperationsReturnQuicklyWithoutThrowing_ThenRecoverAfterRestart()
    {
        await using var server = await RedisServer.StartAsync();
        var logger = new ListLogger<RedisFeedCacheStore>();
        // The breaker's window runs on this clock: the test, not the machine's load, decides
        // which operations fall inside a window (skipped) and which probe Redis again.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var breakDuration = TimeSpan.FromMilliseconds(500);
        using var store = new RedisFeedCacheStore(
            new RedisFeedCacheOptions { ConnectionString = server.ConnectionString, BreakDuration = breakDuration },
            logger,
            clock);
        // The first connection can outlast OperationTimeout on a loaded machine, which opens a
        // break window: start the outage only once the store works.
        var working = await Eventually.ValueAsync(
            async () =>
            {
                clock.Advance(breakDuration);
                await store.SetAsync("k", [1], ["t"], TimeSpan.FromMinutes(5), default);
                return await store.GetAsync("k", default);
            },
            v => v is not null);
        Assert.Equal([1], working);
        var outagesBefore = logger.Count(3001);
        var recoveriesBefore = logger.Count(3002);

        await server.StopAsync();

        // Twenty rounds 100 ms apart on the store's clock: the first failure opens a 500 ms break
        // window, and each later window is ended by exactly one operation that probes the dead
        // server and opens the next: rounds 5, 10 and 15. Every other operation is answered
        // without touching Redis, which is what keeps requests quick during an outage.
        var probesBefore = store.Probes;
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await store.GetAsync("k", default));
            await store.SetAsync("k2", [2], ["t"], TimeSpan.FromMinutes(5), default);
            await store.EvictByTagAsync("t", default);
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(3, store.Probes - probesBefore);
        Assert.False(store.IsAvailable);
        Assert.Equal(outagesBefore + 1, logger.Count(3001)); // the outage is logged once, not per request

        await server.RestartAsync();

        var value = await Eventually.ValueAsync(
            async () =>
            {
                clock.Advance(breakDuration); // past any window a failed reconnect attempt opened
                await store.SetAsync("k3", [3], ["t"], TimeSpan.FromMinutes(5), default);
                return await store.GetAsync("k3", default);
            },
            v => v is not null);

        Assert.Equal([3], value);
        Assert.True(store.IsAvailable);
        Assert.Equal(recoveriesBefore + 1, logger.Count(3002));
    }

    [Fact]
    public async Task RedisNeverReachable_FirstOperationsReturnQuickly()
    {
        var logger = new ListLogger<RedisFeedCacheStore>();
        // No time passes on this clock: the break window the first failure opens covers the rest.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = new RedisFeedCacheStore(
            new RedisFeedCacheOptions { ConnectionString = $"127.0.0.1:{ExternalProcess.FreePort()}" },
            logger,
            clock);

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await store.GetAsync("k", default));
            await store.SetAsync("k", [1], [], TimeSpan.FromMinutes(1), default);
        }

        // One failure, logged once; the nine operations after it never went to Redis.
        Assert.Equal(1, logger.Count(3001));
        Assert.Equal(0, store.Probes);
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
