using FeedProxy.Caching;

namespace FeedProxy.Production.Tests.Caching;

/// <summary>
/// The byte budget of <see cref="MemoryFeedCacheStore"/> must bound the heap its entries
/// really occupy, or a flood of small entries (markers, pointers, first-seen times) holds many
/// times the configured memory. The store's reported size is compared with the bytes this
/// thread allocated to create and insert the entries (keys, values and tag strings made the
/// way the feed services make them: a new string per call), which includes the store's own
/// records, nodes, copies and table growth. Not a timing test: allocation counts are exact.
/// </summary>
public sealed class MemoryFeedCacheAccountingTests
{
    private const int Entries = 2000;

    [Theory]
    [InlineData(4, 60)] // "not served" markers
    [InlineData(8, 40)] // first-seen times
    [InlineData(150, 160)] // stale-if-error pointers: a key's UTF-8 bytes under a longer key
    [InlineData(2_000, 120)] // small rendered feeds
    [InlineData(40_000, 200)] // rendered feeds in three codings
    public async Task Size_MatchesAllocatedBytesOfStoredEntries(int valueLength, int keyLength)
    {
        // Warm up the JIT and the statics of everything on the path, on another store.
        var warm = new MemoryFeedCacheStore(new MemoryFeedCacheOptions { MaxBytes = 1L << 40 });
        await warm.SetAsync(Text(0, keyLength, 'w'), new byte[valueLength], [Text(0, 8, 't')], TimeSpan.FromHours(1), default);

        var store = new MemoryFeedCacheStore(new MemoryFeedCacheOptions { MaxBytes = 1L << 40 });
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Entries; i++)
        {
            // Completes synchronously, so every allocation of the insert is on this thread.
            var set = store.SetAsync(Text(i, keyLength, 'k'), new byte[valueLength], [Text(i % 5, 10, 't')], TimeSpan.FromHours(1), default);
            Assert.True(set.IsCompletedSuccessfully);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Entries, store.Count);
        // Allocated includes garbage the store does not keep (the callers' tag arrays, the
        // tables' outgrown arrays: about 90 of the ~500 bytes of a tiny entry), so the size may
        // be that much below it, never more; above it only by the allowance for tables that
        // stay grown after a burst. The former estimate (value, key and tag characters plus
        // 128) came to 0.46 of the allocation for the tiny entries.
        Assert.InRange(store.Size, (long)(allocated * 0.8), (long)(allocated * 1.2));
    }

    [Fact]
    public async Task Budget_BoundsMeasuredAllocationOfTinyEntries()
    {
        const long Budget = 256 * 1024;
        var store = new MemoryFeedCacheStore(new MemoryFeedCacheOptions { MaxBytes = Budget });
        for (var i = 0; i < 20_000; i++)
        {
            await store.SetAsync(Text(i, 80, 'k'), new byte[4], [Text(0, 10, 't')], TimeSpan.FromHours(1), default);
        }

        Assert.True(store.Size <= Budget);
        // 4-byte values under 80-character keys: each entry costs about a hundred times its
        // value, so a budget counting values and keys alone would hold several times more.
        Assert.InRange(store.Count, 1, (int)(Budget / (2 * 80 + 4)) / 2);
    }

    // A string of exactly `length` characters made in one allocation (the lambda captures
    // nothing, so no closure is allocated per call), distinct per number.
    private static string Text(int number, int length, char fill) =>
        string.Create(length, (number, fill), static (span, state) =>
        {
            span.Fill(state.fill);
            state.number.TryFormat(span, out _);
        });
}
