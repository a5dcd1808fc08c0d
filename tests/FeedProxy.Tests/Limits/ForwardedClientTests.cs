using System.Net;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Limits;

/// <summary>
/// Behind a proxy every request comes from the proxy's address: the budget must be keyed on
/// the client the configured proxy names, and on the socket address when none is configured
/// (anyone can send the header). Real Kestrel, so the socket address is 127.0.0.1.
/// </summary>
public sealed class ForwardedClientTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();
    private Uri _address = null!;

    public void Dispose() => _factory.Dispose();

    private void Start(bool trustLoopbackProxy)
    {
        _factory.Settings["FeedProxy:RateLimit:PermitsPerMinute"] = "60";
        _factory.Settings["FeedProxy:RateLimit:Burst"] = "2";
        // No refill second passes during the test: the host's clock (FeedProxyFactory.Clock) stands still.
        if (trustLoopbackProxy)
        {
            _factory.Settings["FeedProxy:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8";
            _factory.Settings["FeedProxy:ForwardedHeaders:ClientIpHeader"] = "Fly-Client-IP";
        }

        _address = _factory.StartKestrel();
    }

    private async Task<HttpStatusCode> RenderAsync(string client, string query)
    {
        using var http = new HttpClient { BaseAddress = _address };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics?" + query, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Fly-Client-IP", client);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task ConfiguredProxy_EachClientHasItsOwnBudget()
    {
        Start(trustLoopbackProxy: true);

        Assert.Equal(HttpStatusCode.OK, await RenderAsync("203.0.113.7", "track=web"));
        Assert.Equal(HttpStatusCode.OK, await RenderAsync("203.0.113.7", "track=security"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await RenderAsync("203.0.113.7", "room=hall-a"));
        // Another subscriber behind the same proxy is not refused.
        Assert.Equal(HttpStatusCode.OK, await RenderAsync("198.51.100.9", "room=hall-a"));
    }

    [Fact]
    public async Task NoProxyConfigured_TheHeaderIsIgnored()
    {
        Start(trustLoopbackProxy: false);

        Assert.Equal(HttpStatusCode.OK, await RenderAsync("203.0.113.7", "track=web"));
        Assert.Equal(HttpStatusCode.OK, await RenderAsync("198.51.100.9", "track=security"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await RenderAsync("192.0.2.1", "room=hall-a"));
    }
}
