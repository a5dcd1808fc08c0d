using FeedProxy.Caching;

namespace FeedProxy.Production.Tests.Caching;

/// <summary>The heap limit formula of docs/security.md ("Memory"); applying it is the server's start, measured by scripts/flood.sh.</summary>
public sealed class ManagedHeapLimitTests
{
    private const long Megabyte = 1024 * 1024;

    [Fact]
    public void For_DefaultSettings_SetsNoLimit()
    {
        // Off by default: a 61 MB import of 30,000 sessions failed at a 256 MB limit (docs/security.md, Memory).
        var options = new CachingOptions();

        Assert.Null(ManagedHeapLimit.For(options.MemoryLimitMegabytes * Megabyte, options.HeapHeadroomMegabytes * Megabyte));
    }

    [Theory]
    [InlineData(24, 96, 126)]
    [InlineData(256, 128, 448)]
    public void For_FollowsTheCacheBudget(int cacheMegabytes, int headroomMegabytes, int expectedMegabytes)
    {
        Assert.Equal(expectedMegabytes * Megabyte, ManagedHeapLimit.For(cacheMegabytes * Megabyte, headroomMegabytes * Megabyte));
    }

    [Fact]
    public void For_NoHeadroom_SetsNoLimit()
    {
        Assert.Null(ManagedHeapLimit.For(128 * Megabyte, 0));
    }
}
