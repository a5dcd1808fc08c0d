using System.Net;
using FeedProxy.Caching;
using FeedProxy.FastPath;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace FeedProxy.Tests.FastPath;

public sealed class RevalidationFastPathTests : IDisposable
{
    private static readonly string[] ComparedHeaders = ["ETag", "Cache-Control", "Vary", "Content-Type", "Content-Length", "Content-Encoding", "X-Content-Type-Options"];
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("GET", null)]
    [InlineData("GET", "gzip")]
    [InlineData("GET", "gzip, deflate, br")]
    [InlineData("GET", "br;q=0, gzip;q=0.5")]
    [InlineData("HEAD", null)]
    public async Task AKnownUrl_IsAnsweredExactlyAsTheFullPipelineAnswersIt(string method, string? acceptEncoding)
    {
        var client = _factory.CreatePlainClient();
        using var full = await LastFullPipelineAnswerAsync(client, method, "/events/testconf.rss?tz=utc", acceptEncoding);

        using var fast = await SendAsync(client, method, "/events/testconf.rss?tz=utc", acceptEncoding);

        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        foreach (var name in ComparedHeaders)
        {
            Assert.Equal(Header(full, name), Header(fast, name));
        }

        // Last-Modified is clamped to the clock for this event's future dates, so it may move by a second.
        Assert.InRange((fast.Content.Headers.LastModified!.Value - full.Content.Headers.LastModified!.Value).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal(await full.Content.ReadAsByteArrayAsync(), await fast.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AKnownUrl_Answers304WithOnlyValidatorsAndCachingFields()
    {
        var client = _factory.CreatePlainClient();
        using var first = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("If-None-Match", "\"other\", " + first.Headers.ETag);

        using var conditional = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, conditional.StatusCode);
        Assert.Equal(first.Headers.ETag, conditional.Headers.ETag);
        Assert.Equal(first.Headers.CacheControl, conditional.Headers.CacheControl);
        Assert.Contains("Accept-Encoding", conditional.Headers.Vary);
        Assert.Empty(await conditional.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(0, null, HttpStatusCode.NotModified)]      // the echoed Last-Modified
    [InlineData(1, null, HttpStatusCode.NotModified)]
    [InlineData(-1, null, HttpStatusCode.OK)]
    [InlineData(0, "\"other\"", HttpStatusCode.OK)]      // RFC 9110 §13.1.3: If-None-Match wins
    public async Task IfModifiedSince_OnAKnownUrl_IsAnsweredAsTheFullPipelineAnswersIt(int offsetSeconds, string? ifNoneMatch, HttpStatusCode expected)
    {
        var client = _factory.CreatePlainClient();
        using var full = await LastFullPipelineAnswerAsync(client, "GET", "/events/testconf.ics", acceptEncoding: null);
        var lastModified = full.Content.Headers.LastModified!.Value;
        var echoed = full.Content.Headers.GetValues("Last-Modified").Single();
        var since = offsetSeconds == 0 ? echoed : lastModified.AddSeconds(offsetSeconds).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        foreach (var form in new[] { since, lastModified.AddSeconds(offsetSeconds).ToString("dddd, dd-MMM-yy HH:mm:ss 'GMT'", System.Globalization.CultureInfo.InvariantCulture) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative));
            request.Headers.TryAddWithoutValidation("If-Modified-Since", form);
            if (ifNoneMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            }

            using var fast = await client.SendAsync(request);

            Assert.Equal(expected, fast.StatusCode);
            Assert.Equal(full.Headers.ETag, fast.Headers.ETag);
            Assert.Equal(full.Headers.CacheControl, fast.Headers.CacheControl);
        }

        Assert.Equal(1, _factory.Services.GetRequiredService<KnownFeeds>().Count);
    }

    [Fact]
    public async Task AfterAnEdit_AKnownUrlServesTheNewVersion_NotA304ForTheOldOne()
    {
        var client = _factory.CreatePlainClient();
        using var first = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
        using var second = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
        var old = first.Headers.ETag!.ToString();
        Assert.Equal(old, second.Headers.ETag!.ToString());

        _factory.WriteEvent("testconf", TestEvents.Conference(title: "A Renamed Session"));
        using var changed = await Revalidation.UntilChangedAsync(client, "/events/testconf.ics", old, "the edit never reached the feed");
        Assert.NotEqual(old, changed.Headers.ETag!.ToString());
        Assert.Contains("A Renamed Session", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEvictedCacheEntry_IsRenderedAgain_NotServedFromTheRememberedHeaders()
    {
        var client = _factory.CreatePlainClient();
        using var first = await client.GetAsync(new Uri("/events/testconf.json", UriKind.Relative));
        var body = await first.Content.ReadAsByteArrayAsync();

        await _factory.Services.GetRequiredService<IFeedCacheStore>().EvictByTagAsync(FeedService.CacheTag("testconf"), CancellationToken.None);
        using var again = await client.GetAsync(new Uri("/events/testconf.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(body, await again.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ErrorsAndUnknownEvents_AreNotRemembered()
    {
        var client = _factory.CreatePlainClient();
        using var missing = await client.GetAsync(new Uri("/events/nosuchevent.ics", UriKind.Relative));
        using var invalid = await client.GetAsync(new Uri("/events/testconf.ics?tz=mars", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(0, _factory.Services.GetRequiredService<KnownFeeds>().Count);
    }

    [Fact]
    public void KnownFeeds_StayWithinTheirBound_AndSkipOverlongUrls()
    {
        var known = new KnownFeeds();
        var feed = new RenderedFeed(new byte[] { 1, 2, 3 }, default, default, "hash", Instant.FromUnixTimeSeconds(0));
        var response = new FeedResponse(feed, FeedFormat.ICalendar, "public");
        for (var i = 0; i < KnownFeeds.Capacity * 3; i++)
        {
            known.Remember(Request($"/events/e{i}.ics", string.Empty), new FeedProxy.Rendering.CacheEntry($"e{i}", "1", 0, $"k{i}"), response);
            Assert.InRange(known.Count, 1, KnownFeeds.Capacity);
        }

        var before = known.Count;
        known.Remember(Request("/events/long.ics", "?track=" + new string('a', KnownFeeds.MaxKeyLength)), new FeedProxy.Rendering.CacheEntry("long", "1", 0, "k"), response);
        Assert.Equal(before, known.Count);
        Assert.False(known.TryGet(Request("/events/long.ics", "?track=" + new string('a', KnownFeeds.MaxKeyLength)), out _));
    }

    /// <summary>
    /// Requests until the URL is remembered; the last answer came through the full pipeline
    /// (a cache miss answers before its compressed codings exist and is not remembered).
    /// </summary>
    private async Task<HttpResponseMessage> LastFullPipelineAnswerAsync(HttpClient client, string method, string url, string? acceptEncoding)
    {
        var known = _factory.Services.GetRequiredService<KnownFeeds>();
        HttpResponseMessage? last = null;
        await Eventually.TrueAsync(async () =>
        {
            last?.Dispose();
            last = await SendAsync(client, method, url, acceptEncoding);
            return known.Count == 1;
        });

        Assert.Equal(1, known.Count);
        return last!;
    }

    private static HttpRequest Request(string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("feeds.example");
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return context.Request;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return await client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
