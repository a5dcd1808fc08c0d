using System.Net;
using System.Text.RegularExpressions;
using Alba;
using FeedProxy.FastPath;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedProxy.Tests.Limits;

public sealed class RateLimitTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public RateLimitTests()
    {
        _factory.Settings["FeedProxy:RateLimit:PermitsPerMinute"] = "60";
        _factory.Settings["FeedProxy:RateLimit:Burst"] = "5";
    }

    // The budget refills one token a second; on the host's clock no second passes unless a test says so.
    private FakeTimeProvider Clock => _factory.Clock;

    public void Dispose() => _factory.Dispose();

    // Changed with issue 9: the budget is spent on expensive work (renders, pages, failed
    // token checks), not on every request, so "the sixth request is 429" became "the sixth
    // render is 429, cache hits are never refused", also for URLs the fast path has not seen.
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

        // The budget is spent, yet cached feeds keep being served, at URLs never seen before too.
        for (var i = 0; i < 30; i++)
        {
            using var hit = await client.GetAsync(new Uri($"/events/testconf.ics?n={i}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        }

        // One second later the bucket has one token more: one render, then 429 again.
        Clock.Advance(TimeSpan.FromSeconds(1));
        using (var refilled = await client.GetAsync(new Uri("/events/testconf.ics?track=security", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
        }

        using (var again = await client.GetAsync(new Uri("/events/testconf.ics?room=room-1", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
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

    // Polling a feed the server already answered (fast path, cache hit or 304) spends no
    // budget; a busy calendar fetcher behind one address is not refused for polling often.
    [Fact]
    public async Task RepeatedPollsOfAKnownFeed_AreNotRefused_WhileNewRendersStillAre()
    {
        var client = _factory.CreatePlainClient();
        var known = _factory.Services.GetRequiredService<KnownFeeds>();
        string? etag = null;
        // The render answers before its compressed codings exist; the URL is remembered by
        // the first full-pipeline answer after that (a cache hit, which spends nothing).
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var warm = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            etag = warm.Headers.ETag!.ToString();
            return known.Count > 0;
        }));

        Assert.Equal(1, known.Count);

        for (var i = 0; i < 40; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative));
            if (i % 2 == 0)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            }

            using var poll = await client.SendAsync(request);
            Assert.Equal(i % 2 == 0 ? HttpStatusCode.NotModified : HttpStatusCode.OK, poll.StatusCode);
        }

        string[] renders = ["track=web", "track=security", "room=hall-a", "room=room-1", "type=talk", "type=workshop", "lang=de"];
        var statuses = new List<HttpStatusCode>();
        foreach (var query in renders)
        {
            using var response = await client.GetAsync(new Uri("/events/testconf.ics?" + query, UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.OK)); // burst 5, one spent warming
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
        // The hot-path benchmark divides its growth by the requests of a run.
        Assert.Matches(new Regex("^dotnet_gc_allocated_bytes_total\\{[^}]*\\} [1-9]", RegexOptions.Multiline), metrics);
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
