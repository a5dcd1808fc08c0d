using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Tests.Feeds;

public sealed class RenderSizesTests
{
    [Fact]
    public void BeforeAnyRender_TheHintIsTheDefaultBuffer() =>
        Assert.Equal(64 * 1024, new RenderSizes().Hint(FeedFormat.ICalendar, 1_000));

    [Fact]
    public void AfterARender_TheHintCoversAFeedOfTheSameSizePerSession()
    {
        var sizes = new RenderSizes();
        sizes.Observe(FeedFormat.ICalendar, 1_000, 1_847_425);

        var hint = sizes.Hint(FeedFormat.ICalendar, 1_000);

        Assert.InRange(hint, 1_847_425, 1_847_425 * 5 / 4);
        Assert.Equal(64 * 1024, sizes.Hint(FeedFormat.Atom, 1_000));
    }

    [Fact]
    public void TheHint_IsBounded()
    {
        var sizes = new RenderSizes();
        sizes.Observe(FeedFormat.Rss, 10, 10_000_000);

        Assert.Equal(RenderSizes.MaxHint, sizes.Hint(FeedFormat.Rss, int.MaxValue));
    }

    [Fact]
    public void ARenderWithAnUndersizedHint_StillWritesTheWholeFeed()
    {
        var document = new FeedDocument
        {
            Event = new FeedProxy.Formats.Model.Event { Id = "e", Name = "E", TimeZone = "UTC", LastModified = NodaTime.Instant.FromUnixTimeSeconds(0) },
            Sessions = [],
            SelfUrl = new Uri("http://localhost/events/e.ics"),
            UidDomain = "localhost",
        };

        var small = FeedRenderer.RenderIdentity(document, FeedFormat.ICalendar, sizeHint: 1);
        var large = FeedRenderer.RenderIdentity(document, FeedFormat.ICalendar, sizeHint: 1 << 20);

        Assert.Equal(large.Identity.ToArray(), small.Identity.ToArray());
        Assert.Equal(large.Hash, small.Hash);
    }
}
