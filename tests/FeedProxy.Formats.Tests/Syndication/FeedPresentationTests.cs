using FeedProxy.Formats.Syndication;
using NodaTime;

namespace FeedProxy.Formats.Tests.Syndication;

public sealed class FeedPresentationTests
{
    [Theory]
    [InlineData("https://x.example/a/b.PNG", "image/png")]
    [InlineData("https://x.example/a.jpg?size=2", "image/jpeg")]
    [InlineData("https://x.example/a.jpeg", "image/jpeg")]
    [InlineData("https://x.example/a.gif", "image/gif")]
    [InlineData("https://x.example/a.webp", "image/webp")]
    [InlineData("https://x.example/a.svg#top", "image/svg+xml")]
    [InlineData("https://x.example/image", "application/octet-stream")]
    [InlineData("https://x.example/a.png.exe", "application/octet-stream")]
    public void MediaTypeOf_FollowsTheFileExtension(string url, string expected) =>
        Assert.Equal(expected, FeedPresentation.MediaTypeOf(url));

    [Theory]
    [InlineData("https://x.example/p", "https://x.example/p")]
    [InlineData("/relative/path", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("mailto:someone@example.org", null)]
    [InlineData(null, null)]
    public void AbsoluteUrl_KeepsOnlyHttpUrls(string? value, string? expected) =>
        Assert.Equal(expected, FeedPresentation.AbsoluteUrl(value));

    [Fact]
    public void Dates_UseTheRequiredShapes()
    {
        var instant = Instant.FromUtc(2027, 3, 28, 1, 30, 7) + Duration.FromMilliseconds(250);
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        Assert.Equal("Sun, 28 Mar 2027 01:30:07 +0000", SyndicationDates.Rfc822(instant));
        Assert.Equal("2027-03-28T01:30:07Z", SyndicationDates.Rfc3339(instant));
        Assert.Equal("2027-03-28T03:30:07+02:00", SyndicationDates.W3cInZone(instant, berlin));
        Assert.Equal("2027-03-28T01:30:07+00:00", SyndicationDates.W3cInZone(instant, DateTimeZone.Utc));
    }
}
