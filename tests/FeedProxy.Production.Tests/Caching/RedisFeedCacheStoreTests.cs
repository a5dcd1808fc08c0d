using FeedProxy.Caching;
using FeedProxy.Production.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedProxy.Production.Tests.Caching;

[Collection(UsesServers.Name)]
public sealed class RedisFeedCacheStoreTests(ServersFixture servers) : FeedCacheStoreTests, IDisposable
{
    // A prefix per test keeps tests independent on the shared server.
    private readonly RedisFeedCacheStore _store = new(
        new RedisFeedCacheOptions { ConnectionString = servers.Redis.ConnectionString, KeyPrefix = $"test:{Guid.NewGuid():N}:" },
        NullLogger<RedisFeedCacheStore>.Instance);

    protected override IFeedCacheStore Store => _store;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Instances_ShareEntries()
    {
        var options = new RedisFeedCacheOptions { ConnectionString = servers.Redis.ConnectionString, KeyPrefix = $"shared:{Guid.NewGuid():N}:" };
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
            new RedisFeedCacheOptions { ConnectionString = servers.Redis.ConnectionString, KeyPrefix = _prefix },
            NullLogger<RedisFeedCacheStore>.Instance);
        _created.Add(redis);
        return redis;
    }

    private TwoLevelFeedCacheStore NewStore(out MemoryFeedCacheStore memory)
    {
        memory = new MemoryFeedCacheStore();
        return new TwoLevelFeedCacheStore(memory, NewRedis());
    }
}
