using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Feeds;

public sealed class FeedHttpTests(FeedProxyFactory factory) : IClassFixture<FeedProxyFactory>
{
    public static TheoryData<string, string> Formats => new()
    {
        { "ics", "text/calendar; charset=utf-8" },
        { "xcs", "application/calendar+xml; charset=utf-8" },
        { "rss", "application/rss+xml; charset=utf-8" },
        { "atom", "application/atom+xml; charset=utf-8" },
        { "json", "application/calendar+json; charset=utf-8" },
    };

    private readonly HttpClient _client = factory.CreatePlainClient();

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Get_ServesEachFormatWithItsMediaTypeAndValidators(string extension, string contentType)
    {
        using var response = await _client.GetAsync($"/events/testconf.{extension}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("public, max-age=300, stale-while-revalidate=600, stale-if-error=86400", response.Headers.CacheControl!.ToString());
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Null(response.Content.Headers.ContentDisposition);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.NotEmpty(body);
        Assert.False(body.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "no UTF-8 BOM");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Head_HasTheHeadersOfGetAndNoBody(string extension, string contentType)
    {
        using var get = await _client.GetAsync($"/events/testconf.{extension}");
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/events/testconf.{extension}"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(contentType, head.Content.Headers.ContentType!.ToString());
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task LastModified_IsTheLatestChangeInTheFeed_NeverLaterThanNow()
    {
        using var response = await _client.GetAsync("/events/testconf.ics");

        // s3 (cancelled) was "changed" in 2099: the latest change in the feed, but a server may
        // not claim a modification after its own clock (RFC 9110 §8.8.2.1), so it says "now".
        var lastModified = response.Content.Headers.LastModified!.Value;
        Assert.InRange(lastModified, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(0, lastModified.Millisecond);
    }

    [Fact]
    public async Task Get_ReturnsIdenticalBytesOnEveryRequest()
    {
        var first = await _client.GetByteArrayAsync("/events/testconf.ics");
        using var other = new FeedProxyFactory();
        other.WriteEvent("testconf", TestEvents.Conference());
        var second = await other.CreatePlainClient().GetByteArrayAsync("/events/testconf.ics");

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("/events/nosuchevent.ics")]
    [InlineData("/events/testconf.pdf")]
    [InlineData("/events/testconf.ics/extra")]
    [InlineData("/events/testconf/sessions/nosuch.ics")]
    [InlineData("/events/testconf/sessions/d1.ics")]
    [InlineData("/nothing-here")]
    public async Task UnknownEventOrExtension_Is404ProblemDetails(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    public static TheoryData<string> HostileUrls => new()
    {
        "/events/..%2F..%2Fetc%2Fpasswd.ics",
        "/events/%2e%2e.ics",
        "/events/..ics",
        "/events/" + new string('a', 5000) + ".ics",
        "/events/%E2%80%AE.ics",
        "/events/-dash.ics",
        "/events/a%0D%0AInjected:%20yes.ics",
        "/events/testconf/sessions/..%2Fs1.ics",
    };

    [Theory]
    [MemberData(nameof(HostileUrls))]
    public async Task HostileIds_Are400Or404ProblemDetailsNever500(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{url} -> {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.False(response.Headers.Contains("Injected"));
    }

    [Theory]
    [InlineData("/events/testconf.ics?tz=mars")]
    [InlineData("/events/testconf.ics?profile=campus")]
    [InlineData("/events/testconf.rss?dialect=pentabarf")]
    [InlineData("/events/testconf.xcs?dialect=klingon")]
    [InlineData("/events/testconf.ics?track=nonexistent")]
    [InlineData("/events/testconf.ics?day=tomorrow")]
    public async Task InvalidQuery_Is400NamingTheProblem(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var parameter = url[(url.IndexOf('?') + 1)..url.IndexOf('=')];
        Assert.Contains(parameter, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FeedUrls_NeverRedirect()
    {
        foreach (var url in new[] { "/events/testconf.ics", "/events/TESTCONF.ics", "/events/testconf.ICS", "/events/testconf.ics?tz=utc" })
        {
            using var response = await _client.GetAsync(url);
            Assert.False((int)response.StatusCode is >= 300 and < 400, $"{url} redirected");
        }
    }

    [Fact]
    public async Task NoAcceptHeader_StillGetsTheCalendar()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/testconf.ics");
        request.Headers.Accept.Clear();
        request.Headers.UserAgent.ParseAdd("Google-Calendar-Importer");
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("ics")]
    [InlineData("xcs")]
    [InlineData("rss")]
    [InlineData("atom")]
    [InlineData("json")]
    public async Task NothingPrivate_EverAppearsInAFeed(string extension)
    {
        foreach (var url in new[] { $"/events/testconf.{extension}", $"/events/testconf.{extension}?tz=utc" })
        {
            var text = await _client.GetStringAsync(url);
            Assert.DoesNotContain(TestEvents.SecretEmail, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Secret", text, StringComparison.Ordinal);
            Assert.Contains("Zo", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CancelledSession_IsKeptAndMarkedCancelled()
    {
        var text = await _client.GetStringAsync("/events/testconf.ics");

        Assert.Contains("Cancelled Session", text, StringComparison.Ordinal);
        Assert.Contains("STATUS:CANCELLED", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlCharactersAndInjectedLines_NeverBreakTheCalendar()
    {
        var text = await _client.GetStringAsync("/events/testconf.ics");

        Assert.DoesNotContain('\u0007', text);
        Assert.Equal(3, CountLines(text, "BEGIN:VEVENT"));
        Assert.Equal(3, CountLines(text, "END:VEVENT"));
        foreach (var line in text.Split("\r\n"))
        {
            Assert.DoesNotContain('\n', line);
            Assert.DoesNotContain('\r', line);
        }
    }

    private static int CountLines(string text, string line) => text.Split("\r\n").Count(l => l == line);
}
