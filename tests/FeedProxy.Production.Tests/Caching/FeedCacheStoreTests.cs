using System.Text;
using FeedProxy.Caching;
using Microsoft.Extensions.Time.Testing;

namespace FeedProxy.Production.Tests.Caching;

/// <summary>The behaviour every <see cref="IFeedCacheStore"/> shares; run once per implementation.</summary>
public abstract class FeedCacheStoreTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private FakeTimeProvider? _clock;

    protected abstract IFeedCacheStore Store { get; }

    /// <summary>
    /// The clock every store under test reads: an entry's lifetime passes when the test says,
    /// not when a loaded machine happens to pause between a write and the read after it.
    /// Created on first use (derived classes' field initializers run before this class's).
    /// </summary>
    protected FakeTimeProvider Clock => _clock ??= new FakeTimeProvider(DateTimeOffset.UtcNow);

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task Get_UnknownKey_IsMiss()
    {
        Assert.Null(await Store.GetAsync("nothing-here", None));
    }

    [Fact]
    public async Task Set_ThenGet_ReturnsSameBytes()
    {
        var value = Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\r\n\u00e9\r\n");
        await Store.SetAsync("ev1\u001f7\u001fics", value, ["ev1"], Minute, None);

        Assert.Equal(value, await Store.GetAsync("ev1\u001f7\u001fics", None));
    }

    [Fact]
    public async Task Set_EmptyValue_IsHitNotMiss()
    {
        await Store.SetAsync("empty", [], [], Minute, None);

        Assert.Equal(Array.Empty<byte>(), await Store.GetAsync("empty", None));
    }

    [Fact]
    public async Task Set_SameKeyTwice_LastValueWins()
    {
        await Store.SetAsync("k", [1], ["a"], Minute, None);
        await Store.SetAsync("k", [2], ["b"], Minute, None);

        Assert.Equal([2], await Store.GetAsync("k", None));
        await Store.EvictByTagAsync("b", None);
        Assert.Null(await Store.GetAsync("k", None));
    }

    [Fact]
    public async Task Get_AfterValidForElapsed_IsMiss()
    {
        await Store.SetAsync("short", [1, 2, 3], [], TimeSpan.FromMilliseconds(300), None);
        Assert.NotNull(await Store.GetAsync("short", None));

        Clock.Advance(TimeSpan.FromMilliseconds(700));

        Assert.Null(await Store.GetAsync("short", None));
    }

    [Fact]
    public async Task EvictByTag_RemovesEveryEntryWithTheTag_AndNoOther()
    {
        await Store.SetAsync("a.ics", [1], ["event-a"], Minute, None);
        await Store.SetAsync("a.rss", [2], ["event-a", "all"], Minute, None);
        await Store.SetAsync("b.ics", [3], ["event-b", "all"], Minute, None);

        await Store.EvictByTagAsync("event-a", None);

        Assert.Null(await Store.GetAsync("a.ics", None));
        Assert.Null(await Store.GetAsync("a.rss", None));
        Assert.Equal([3], await Store.GetAsync("b.ics", None));
    }

    [Fact]
    public async Task EvictByTag_UnknownTag_IsNoOp()
    {
        await Store.SetAsync("kept", [9], ["x"], Minute, None);

        await Store.EvictByTagAsync("unknown", None);

        Assert.Equal([9], await Store.GetAsync("kept", None));
    }

    [Fact]
    public async Task Set_AfterEvict_SameTagWorksAgain()
    {
        await Store.SetAsync("k", [1], ["t"], Minute, None);
        await Store.EvictByTagAsync("t", None);
        await Store.SetAsync("k", [2], ["t"], Minute, None);

        Assert.Equal([2], await Store.GetAsync("k", None));
    }

    [Fact]
    public async Task ParallelSetsAndGets_AllRoundTrip()
    {
        // Taken once: the suites create their store lazily (`??=`), which is not thread-safe,
        // and two Redis stores made at once get different key prefixes.
        var store = Store;
        await Parallel.ForAsync(0, 200, async (i, ct) =>
        {
            var key = "p" + i;
            await store.SetAsync(key, BitConverter.GetBytes(i), ["par"], Minute, ct);
            Assert.Equal(BitConverter.GetBytes(i), await store.GetAsync(key, ct));
        });
    }
}
