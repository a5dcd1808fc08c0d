using System.Net;
using System.Text.RegularExpressions;
using Alba;
using FeedProxy.FastPath;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

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

    // Each URL is new to the server (the unknown parameter is ignored by the feed but makes a
    // URL the revalidation fast path has not seen), so each passes the full pipeline and its limiter.
    [Fact]
    public async Task TooManyFeedRequests_Get429ProblemWithRetryAfter()
    {
        var client = _factory.CreatePlainClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10; i++)
        {
            var response = await client.GetAsync(new Uri($"/events/testconf.ics?n={i}", UriKind.Relative));
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

        // Health and metrics are not rate limited.
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    // Changed with the revalidation fast path: polling a feed the server already answered
    // (cache hit or 304) costs almost nothing, so it spends no budget; a busy calendar
    // fetcher behind one address is not refused for polling often.
    [Fact]
    public async Task RepeatedPollsOfAKnownFeed_AreNotRefused_WhileNewUrlsStillAre()
    {
        var client = _factory.CreatePlainClient();
        var known = _factory.Services.GetRequiredService<KnownFeeds>();
        var spent = 0;
        string? etag = null;
        // The render answers before its compressed codings exist; the URL is remembered by
        // the first full-pipeline answer after that, each such request spending budget.
        while (known.Count == 0 && spent < 4)
        {
            using var warm = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            etag = warm.Headers.ETag!.ToString();
            spent++;
            await Task.Delay(20);
        }

        Assert.Equal(1, known.Count);

        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative));
            if (i % 2 == 0)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            }

            using var poll = await client.SendAsync(request);
            Assert.Equal(i % 2 == 0 ? HttpStatusCode.NotModified : HttpStatusCode.OK, poll.StatusCode);
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync(new Uri($"/events/testconf.ics?n={i}", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(5 - spent, statuses.Count(s => s == HttpStatusCode.OK)); // burst 5
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
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

        // The OpenTelemetry exporter adds an otel_scope_name label to every series.
        Assert.Matches(Series("feedproxy_feed_requests_total", "format=\"rss\"", "status=\"200\""), metrics);
        Assert.Matches(Series("feedproxy_feed_requests_total", "format=\"rss\"", "status=\"304\""), metrics);
        Assert.Contains("feedproxy_render_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("feedproxy_cache_lookups_total", metrics, StringComparison.Ordinal);
        Assert.Contains("process_resident_memory_bytes", metrics, StringComparison.Ordinal);
    }

    /// <summary>A sample line of the metric with (at least) these labels and a count of 1 or more.</summary>
    private static Regex Series(string name, params string[] labels) =>
        new("^" + Regex.Escape(name) + "\\{" + string.Concat(labels.Select(l => "(?=[^}]*\\b" + Regex.Escape(l) + ")")) + "[^}]*\\} [1-9]", RegexOptions.Multiline);

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
