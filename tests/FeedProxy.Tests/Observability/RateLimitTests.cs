using System.Net;
using Alba;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Observability;

public sealed class RateLimitTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public RateLimitTests()
    {
        _factory.Settings["FeedProxy:RateLimit:PermitsPerMinute"] = "60";
        _factory.Settings["FeedProxy:RateLimit:Burst"] = "5";
    }

    public void Dispose() => _factory.Dispose();

    // Changed with issue 9: the budget is spent on expensive work (renders, pages, failed
    // token checks), not on every request, so the old "sixth request of one feed is 429"
    // became "sixth render is 429, cache hits are never refused".
    [Fact]
    public async Task RendersBeyondTheBudget_Get429ProblemWithRetryAfter_CacheHitsNever()
    {
        var client = _factory.CreatePlainClient();
        string[] distinct =
        [
            "/events/testconf.ics", "/events/testconf.xcs", "/events/testconf.rss", "/events/testconf.atom",
            "/events/testconf.json", "/events/testconf.ics?tz=utc", "/events/testconf.ics?track=web", "/events/testconf.ics?room=hall-a",
        ];
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        foreach (var url in distinct)
        {
            var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
                break;
            }

            response.Dispose();
        }

        Assert.NotNull(limited);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.NotNull(limited!.Headers.RetryAfter);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        limited.Dispose();

        // The budget is spent, yet cached feeds and 304s keep being served.
        for (var i = 0; i < 50; i++)
        {
            using var hit = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        }

        // Health and metrics are not rate limited.
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task GuessedPrivateTokensAndAgendaCodes_SpendTheBudget()
    {
        var client = _factory.CreatePlainClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            var url = i % 2 == 0
                ? $"/private/{new string((char)('a' + i), 43)}/events/testconf.ics"
                : $"/events/testconf/agenda/forged{i}.ics";
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.NotFound));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}

public sealed class MetricsAndHealthTests(FeedProxyFactory factory) : IClassFixture<FeedProxyFactory>
{
    [Fact]
    public async Task Metrics_CountRequestsByFormatAndStatusIncluding304()
    {
        var client = factory.CreatePlainClient();
        using var first = await client.GetAsync(new Uri("/events/testconf.rss", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.rss", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
        using var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);

        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("feedproxy_feed_requests_total{format=\"rss\",status=\"200\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("feedproxy_feed_requests_total{format=\"rss\",status=\"304\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("feedproxy_render_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("feedproxy_cache_lookups_total", metrics, StringComparison.Ordinal);
        Assert.Contains("process_resident_memory_bytes", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpoints_Answer200(string url) =>
        await factory.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
        });

    [Fact]
    public async Task OpenApi_DescribesFeedRoutes() =>
        await factory.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBeOk();
            s.ContentShouldContain("/events/{file}");
            s.ContentShouldContain("\"openapi\"");
        });
}
