using System.Net;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Feeds;

/// <summary>
/// The test event claims a change in 2099 (session s3). Last-Modified used to be clamped to
/// "now" on every request, so it moved every second and If-Modified-Since never matched.
/// </summary>
public sealed class StableLastModifiedTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task DataClaimingFutureChanges_LastModifiedStaysPutAndRevalidatesWith304()
    {
        var client = _factory.CreatePlainClient();
        using var first = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
        var lastModified = first.Content.Headers.LastModified!.Value;
        Assert.True(lastModified <= DateTimeOffset.UtcNow);

        // Past the next whole second of the host's clock, and past the render cache (a different
        // representation of the same version is rendered fresh and must agree).
        _factory.Clock.Advance(TimeSpan.FromMilliseconds(1100));
        using var again = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
        using var other = await client.GetAsync(new Uri("/events/testconf.ics?tz=utc", UriKind.Relative));
        Assert.Equal(lastModified, again.Content.Headers.LastModified);
        Assert.Equal(lastModified, other.Content.Headers.LastModified);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative));
        request.Headers.IfModifiedSince = lastModified;
        using var revalidated = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }
}
