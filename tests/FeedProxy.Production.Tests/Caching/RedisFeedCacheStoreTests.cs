using FeedProxy.Caching;
using FeedProxy.Production.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedProxy.Production.Tests.Caching;

[Collection(UsesServers.Name)]
public sealed class RedisFeedCacheStoreTests(ServersFixture servers) : FeedCacheStoreTests, IDisposable
{
    // A prefix per test keeps tests independent on the shared server.
    private RedisFeedCacheStore? _store;

    protected override IFeedCacheStore Store => _store ??= new(
        RedisTestOptions.For(servers, $"test:{Guid.NewGuid():N}:"),
        NullLogger<RedisFeedCacheStore>.Instance,
        Clock);

    public void Dispose() => _store?.Dispose();

    [Fact]
    public async Task Instances_ShareEntries()
    {
        var options = RedisTestOptions.For(servers, $"shared:{Guid.NewGuid():N}:");
        using var one = new RedisFeedCacheStore(options, NullLogger<RedisFeedCacheStore>.Instance);
        using var two = new RedisFeedCacheStore(options, NullLogger<RedisFeedCacheStore>.Instance);

        await one.SetAsync("k", [4, 2], ["t"], TimeSpan.FromMinutes(1), default);
        Assert.Equal([4, 2], await two.GetAsync("k", default));

        await two.EvictByTagAsync("t", default);
        Assert.Null(await one.GetAsync("k", default));
    }
}

[Collection(UsesServers.Name)]
public sealed class TwoLevelFeedCacheStoreTests(ServersFixture servers) : FeedCacheStoreTests, IDisposable
{
    private readonly string _prefix = $"two:{Guid.NewGuid():N}:";
    private readonly List<RedisFeedCacheStore> _created = [];

    private TwoLevelFeedCacheStore? _store;

    protected override IFeedCacheStore Store => _store ??= NewStore(out _);

    public void Dispose() => _created.ForEach(r => r.Dispose());

    [Fact]
    public async Task Get_RedisHit_FillsMemoryWithSameTags()
    {
        // Another instance wrote the entry: only Redis has it.
        var redisOnly = NewRedis();
        await redisOnly.SetAsync("k", [7], ["ev"], TimeSpan.FromMinutes(1), default);
        var store = NewStore(out var memory);
        Assert.Null(await memory.GetAsync("k", default));

        Assert.Equal([7], await store.GetAsync("k", default));
        Assert.Equal([7], await memory.GetAsync("k", default));

        await store.EvictByTagAsync("ev", default);
        Assert.Null(await memory.GetAsync("k", default));
        Assert.Null(await redisOnly.GetAsync("k", default));
    }

    [Fact]
    public async Task Set_WritesBothLevels()
    {
        var store = NewStore(out var memory);

        await store.SetAsync("k", [1], [], TimeSpan.FromMinutes(1), default);

        Assert.Equal([1], await memory.GetAsync("k", default));
        Assert.Equal([1], await NewRedis().GetAsync("k", default));
    }

    private RedisFeedCacheStore NewRedis()
    {
        var redis = new RedisFeedCacheStore(
            RedisTestOptions.For(servers, _prefix),
            NullLogger<RedisFeedCacheStore>.Instance,
            Clock);
        _created.Add(redis);
        return redis;
    }

    private TwoLevelFeedCacheStore NewStore(out MemoryFeedCacheStore memory)
    {
        memory = new MemoryFeedCacheStore(timeProvider: Clock);
        return new TwoLevelFeedCacheStore(memory, NewRedis(), Clock);
    }
}

/// <summary>
/// Options of the stores these suites test for what they store, not for how fast: an operation
/// that outlasts the production OperationTimeout (750 ms) on a loaded machine would trip the
/// breaker and turn the rest of the test into misses. Timeouts and the breaker have their own
/// tests (RedisOutageTests), with the production values.
/// </summary>
internal static class RedisTestOptions
{
    public static RedisFeedCacheOptions For(ServersFixture servers, string keyPrefix) => new()
    {
        ConnectionString = servers.Redis.ConnectionString,
        KeyPrefix = keyPrefix,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        OperationTimeout = TimeSpan.FromSeconds(10),
    };
}
