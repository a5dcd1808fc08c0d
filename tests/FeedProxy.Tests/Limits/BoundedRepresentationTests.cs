using System.Net;
using FeedProxy.Caching;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Tests.Limits;

/// <summary>
/// Memory must not grow with the number of distinct URLs or Host headers: values that name
/// nothing public never reach the cache, and hosts are bounded.
/// </summary>
public sealed class BoundedRepresentationTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public BoundedRepresentationTests()
    {
        // A speaker, a language, a type and a day known only from a rejected session.
        var json = TestEvents.Conference()
            .Replace("""{ "id": "hana",""", """{ "id": "ghost", "name": "Ghost Writer" }, { "id": "hana",""", StringComparison.Ordinal)
            .Replace(""""title": "Secret Rejected Session", "start": "2027-03-27T15:00:00+01:00", "duration": "PT30M", "state": "rejected" }"""",
                """"title": "Secret Rejected Session", "start": "2027-03-30T15:00:00+01:00", "duration": "PT30M", "state": "rejected", "speakers": ["ghost"], "language": "fr", "type": "Keynote" }"""", StringComparison.Ordinal);
        Assert.Contains("ghost\"]", json, StringComparison.Ordinal);
        _factory.WriteEvent("testconf", json);
        _factory.Settings["FeedProxy:Limits:MaxHosts"] = "3";
    }

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("speaker=ghost")]
    [InlineData("speaker=Ghost%20Writer")]
    [InlineData("lang=fr")]
    [InlineData("type=keynote")]
    [InlineData("day=2027-03-30")]
    [InlineData("lang=xx")]
    [InlineData("lang=en,0123456789abcdef")]
    [InlineData("day=2031-01-01")]
    public async Task FilterValueKnownOnlyFromNonPublicSessionsOrUnknown_Is400(string query)
    {
        using var response = await _factory.CreatePlainClient().GetAsync(new Uri("/events/testconf.ics?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Secret", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lang=DE")]
    [InlineData("day=2027-03-27")]
    [InlineData("speaker=hana")]
    public async Task FilterValueOfPublicSessions_Is200(string query)
    {
        using var response = await _factory.CreatePlainClient().GetAsync(new Uri("/events/testconf.ics?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task FloodOfUniqueFilterValues_AddsNothingToTheCache()
    {
        var client = _factory.CreatePlainClient();
        using (var warm = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // The warm render stores the other content codings in the background (off the request
        // path); let that finish before counting, so only the flood can change the count. A
        // request for a coding waits for that work; the pipeline's idle signal covers the rest.
        foreach (var coding in new[] { "br", "gzip" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative));
            request.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
            using var encoded = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, encoded.StatusCode);
        }

        await _factory.Services.GetRequiredService<FeedProxy.Rendering.RenderPipeline>().WhenIdleAsync();
        var cache = _factory.Services.GetRequiredService<MemoryFeedCacheStore>();
        var entries = cache.Count;

        for (var i = 0; i < 300; i++)
        {
            using var response = await client.GetAsync(new Uri($"/events/testconf.ics?lang=en,{Guid.NewGuid():N}&track=web", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(entries, cache.Count);
    }

    [Fact]
    public async Task HostsBeyondTheBound_Get421_AndHealthStillAnswers()
    {
        var client = _factory.CreatePlainClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative));
            request.Headers.Host = $"host{i}.example";
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        // The test client's own "localhost" may or may not have been seen: at most 3 hosts pass.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 2, 3);
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.MisdirectedRequest, s));

        using var health = new HttpRequestMessage(HttpMethod.Get, new Uri("/healthz", UriKind.Relative));
        health.Headers.Host = "yet-another.example";
        using var healthy = await client.SendAsync(health);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }
}

/// <summary>With PublicBaseUrl set the Host header changes nothing: one representation, no bound to hit.</summary>
public sealed class PublicBaseUrlHostTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public PublicBaseUrlHostTests()
    {
        _factory.Settings["FeedProxy:PublicBaseUrl"] = "https://feeds.example.org/";
        _factory.Settings["FeedProxy:Limits:MaxHosts"] = "1";
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ManyHosts_OneRepresentationAndNoRefusal()
    {
        var client = _factory.CreatePlainClient();
        var etags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.rss", UriKind.Relative));
            request.Headers.Host = $"h{i}.attacker.example";
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            etags.Add(response.Headers.ETag!.Tag);
            Assert.DoesNotContain("attacker", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Single(etags);
    }
}
