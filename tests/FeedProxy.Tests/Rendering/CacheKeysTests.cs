using FeedProxy.Rendering;

namespace FeedProxy.Tests.Rendering;

public sealed class CacheKeysTests
{
    [Fact]
    public void PartsWithoutTheSeparator_AreUsedAsTheyAre()
    {
        const string part = "https://feeds.example/events/a.ics?track=x%1Fy";
        Assert.Same(part, CacheKeys.Part(part));
        Assert.Equal("a\u001fb\u001f\u001fc", CacheKeys.Join("a", "b", null, "c"));
    }

    [Fact]
    public void PartsThatContainTheSeparator_NeverMakeTheKeyOfOtherParts()
    {
        var joined = CacheKeys.Join("a\u001fb", "c");
        Assert.NotEqual(CacheKeys.Join("a", "b\u001fc"), joined);
        Assert.NotEqual(CacheKeys.Join("a", "b", "c"), joined);
        Assert.NotEqual(CacheKeys.Join("a\u001e1b", "c"), joined);
        Assert.Equal(1, joined.Count(c => c == CacheKeys.Separator));
    }

    [Fact]
    public void EveryKindsEntryKey_HasOneFormat()
    {
        Assert.Equal("feed\u001fv1\u001f42\u001frep", CacheKeys.Entry("feed", "v1", 42, "rep"));
        Assert.Equal("collection\u001fv1\u001f42\u001frep", CacheKeys.Entry("collection", "v1", 42, "rep"));
        Assert.NotEqual(CacheKeys.LastGood("feed", "rep"), CacheKeys.LastGood("collection", "rep"));
    }
}
