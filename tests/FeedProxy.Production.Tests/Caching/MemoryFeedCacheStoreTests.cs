using FeedProxy.Caching;
using Microsoft.Extensions.Time.Testing;

namespace FeedProxy.Production.Tests.Caching;

public sealed class MemoryFeedCacheStoreTests : FeedCacheStoreTests
{
    private MemoryFeedCacheStore? _store;

    protected override IFeedCacheStore Store => _store ??= new(timeProvider: Clock);

    [Fact]
    public async Task Set_BeyondMaxBytes_EvictsLeastRecentlyUsedFirst()
    {
        // Room for exactly three such entries, counted at their true size (EntrySize).
        var budget = 3 * EntrySize.Of("a", new byte[1000], []);
        var store = new MemoryFeedCacheStore(new MemoryFeedCacheOptions { MaxBytes = budget });
        await store.SetAsync("a", new byte[1000], [], TimeSpan.FromMinutes(1), default);
        await store.SetAsync("b", new byte[1000], [], TimeSpan.FromMinutes(1), default);
        await store.SetAsync("c", new byte[1000], [], TimeSpan.FromMinutes(1), default);
        Assert.NotNull(await store.GetAsync("a", default)); // "b" is now least recently used

        await store.SetAsync("d", new byte[1000], [], TimeSpan.FromMinutes(1), default);

        Assert.Null(await store.GetAsync("b", default));
        Assert.NotNull(await store.GetAsync("a", default));
        Assert.NotNull(await store.GetAsync("c", default));
        Assert.NotNull(await store.GetAsync("d", default));
        Assert.True(store.Size <= budget);
    }

    [Fact]
    public async Task Set_ManyEntries_NeverExceedsMaxBytes()
    {
        var store = new MemoryFeedCacheStore(new MemoryFeedCacheOptions { MaxBytes = 64 * 1024 });
        await Parallel.ForAsync(0, 2000, async (i, ct) =>
        {
            await store.SetAsync("k" + i, new byte[100 + (i % 900)], ["t" + (i % 7)], TimeSpan.FromMinutes(1), ct);
            Assert.True(store.Size <= 64 * 1024);
        });

        Assert.True(store.Size <= 64 * 1024);
        Assert.InRange(store.Count, 1, 2000);
    }

    [Fact]
    public async Task Set_ValueLargerThanBudget_IsNotStoredAndEvictsNothing()
    {
        var store = new MemoryFeedCacheStore(new MemoryFeedCacheOptions { MaxBytes = 4096 });
        await store.SetAsync("small", new byte[10], [], TimeSpan.FromMinutes(1), default);

        await store.SetAsync("huge", new byte[5000], [], TimeSpan.FromMinutes(1), default);

        Assert.Null(await store.GetAsync("huge", default));
        Assert.NotNull(await store.GetAsync("small", default));
    }

    [Fact]
    public async Task Evict_ReleasesBytes()
    {
        var store = new MemoryFeedCacheStore();
        await store.SetAsync("x", new byte[5000], ["t"], TimeSpan.FromMinutes(1), default);
        Assert.True(store.Size >= 5000);

        await store.EvictByTagAsync("t", default);

        Assert.Equal(0, store.Size);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Get_UsesInjectedClockForExpiry()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new MemoryFeedCacheStore(timeProvider: clock);
        await store.SetAsync("k", [1], [], TimeSpan.FromSeconds(30), default);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await store.GetAsync("k", default));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync("k", default));
        Assert.Equal(0, store.Size);
    }
}
