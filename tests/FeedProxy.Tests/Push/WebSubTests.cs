using System.Net;
using System.Security.Cryptography;
using System.Text;
using FeedProxy.Push.WebSub;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Tests.Push;

/// <summary>
/// The WebSub hub on the embedded store, with a real subscriber: subscription requests are
/// verified by a challenge, and a changed feed is pushed with its signature.
/// </summary>
public sealed class WebSubTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();
    private readonly CallbackServer _subscriber = new();

    public WebSubTests()
    {
        _factory.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = "true";
        _factory.WriteEvent("secret", TestEvents.Conference(id: "secret", visibility: "private"));
    }

    public void Dispose()
    {
        _factory.Dispose();
        _subscriber.Dispose();
    }

    private async Task<HttpResponseMessage> HubAsync(string topic, string callback, string mode = "subscribe", string? secret = null, string? lease = null)
    {
        var form = new Dictionary<string, string> { ["hub.mode"] = mode, ["hub.topic"] = topic, ["hub.callback"] = callback };
        if (secret is not null)
        {
            form["hub.secret"] = secret;
        }

        if (lease is not null)
        {
            form["hub.lease_seconds"] = lease;
        }

        using var content = new FormUrlEncodedContent(form);
        return await _factory.CreatePlainClient().PostAsync(new Uri("/hub", UriKind.Relative), content);
    }

    private Task<bool> VerifiedAsync(out Action unsubscribe)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var verifier = _factory.Services.GetRequiredService<HubVerifier>();
        Action<HubRequest, bool> handler = (_, confirmed) => done.TrySetResult(confirmed);
        verifier.Verified += handler;
        unsubscribe = () => verifier.Verified -= handler;
        return done.Task.WaitAsync(Eventually.Deadline);
    }

    [Fact]
    public async Task Subscriber_SeesTheChallenge_ThenReceivesTheChangedFeedSigned()
    {
        // The topic exactly as the feed's Link rel="self" header gives it.
        using (var feed = await _factory.CreatePlainClient().GetAsync(new Uri("/events/testconf.rss", UriKind.Relative)))
        {
            Assert.Contains("<http://localhost/events/testconf.rss>; rel=\"self\"", string.Join(", ", feed.Headers.GetValues("Link")), StringComparison.Ordinal);
        }

        var verified = VerifiedAsync(out var stop);
        using (var response = await HubAsync("http://localhost/events/testconf.rss", _subscriber.Url("/cb?mine=1").AbsoluteUri, secret: "s3cret", lease: "999999999"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var challenge = await _subscriber.NextAsync();
        Assert.Equal("GET", challenge.Method);
        Assert.Equal("1", challenge.Query("mine"));
        Assert.Equal("subscribe", challenge.Query("hub.mode"));
        Assert.Equal("http://localhost/events/testconf.rss", challenge.Query("hub.topic"));
        Assert.Equal("2592000", challenge.Query("hub.lease_seconds")); // shortened to the maximum
        Assert.True(await verified);
        stop();

        _factory.WriteEvent("testconf", TestEvents.Conference(title: "Pushed Title"));
        var push = await _subscriber.NextAsync();
        Assert.Equal("POST", push.Method);
        Assert.Equal("application/rss+xml; charset=utf-8", push.Headers["content-type"]);
        Assert.Contains("Pushed Title", push.Text, StringComparison.Ordinal);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"), push.Body));
        Assert.Equal(expected, push.Headers["x-hub-signature"]);
        var links = string.Join(",", push.Links);
        Assert.Contains("<http://localhost/hub>; rel=\"hub\"", links, StringComparison.Ordinal);
        Assert.Contains("<http://localhost/events/testconf.rss>; rel=\"self\"", links, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnconfirmedSubscription_GetsNothing()
    {
        _subscriber.EchoChallenge = false;
        var verified = VerifiedAsync(out var stop);
        using (var response = await HubAsync("http://localhost/events/testconf.ics", _subscriber.Url("/cb").AbsoluteUri))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.False(await verified);
        stop();
        var store = _factory.Services.GetRequiredService<FeedProxy.Push.IPushStore>();
        Assert.Equal(0, (await store.CountSubscriptionsAsync("127.0.0.1", DateTimeOffset.UtcNow, default)).Total);
    }

    [Theory]
    [InlineData("http://localhost/events/secret.ics")] // private: as if it did not exist
    [InlineData("http://localhost/events/nothing.ics")]
    [InlineData("http://elsewhere.example/events/testconf.ics")]
    [InlineData("http://localhost/private/abc/events/testconf.ics")]
    [InlineData("http://localhost/events/testconf/agenda/x.ics")]
    [InlineData("not a url")]
    public async Task TopicsThatAreNotPublicFeeds_AreDenied(string topic)
    {
        using var response = await HubAsync(topic, _subscriber.Url("/cb").AbsoluteUri);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_subscriber.Requests);
    }

    [Fact]
    public async Task BadRequests_AreClear4xx()
    {
        using (var mode = await HubAsync("http://localhost/events/testconf.ics", _subscriber.Url("/cb").AbsoluteUri, mode: "publish"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, mode.StatusCode);
        }

        using (var secret = await HubAsync("http://localhost/events/testconf.ics", _subscriber.Url("/cb").AbsoluteUri, secret: new string('x', 200)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, secret.StatusCode);
        }

        using var json = new StringContent("{}", Encoding.UTF8, "application/json");
        using var wrongType = await _factory.CreatePlainClient().PostAsync(new Uri("/hub", UriKind.Relative), json);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
    }

    [Fact]
    public async Task CallbacksOnPrivateAddresses_AreRefusedByDefault()
    {
        _factory.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = "false";
        using var response = await HubAsync("http://localhost/events/testconf.ics", _subscriber.Url("/cb").AbsoluteUri);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_subscriber.Requests);
    }

    [Fact]
    public async Task SubscriptionsPerCallbackHost_AreLimited()
    {
        _factory.Settings["FeedProxy:Push:MaxSubscriptionsPerHost"] = "1";
        var verified = VerifiedAsync(out var stop);
        using (var first = await HubAsync("http://localhost/events/testconf.ics", _subscriber.Url("/a").AbsoluteUri))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        Assert.True(await verified);
        stop();
        using var second = await HubAsync("http://localhost/events/testconf.rss", _subscriber.Url("/b").AbsoluteUri);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
    }
}
