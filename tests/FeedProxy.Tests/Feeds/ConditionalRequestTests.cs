using System.IO.Compression;
using System.Net;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Feeds;

public sealed class ConditionalRequestTests(FeedProxyFactory factory) : IClassFixture<FeedProxyFactory>
{
    private readonly HttpClient _client = factory.CreatePlainClient();

    private async Task<(string ETag, DateTimeOffset LastModified)> ValidatorsAsync(string url = "/events/testconf.ics")
    {
        using var response = await _client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        return (response.Headers.ETag!.ToString(), response.Content.Headers.LastModified!.Value);
    }

    private async Task<HttpResponseMessage> SendAsync(string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _client.SendAsync(request);
    }

    [Theory]
    [InlineData("ics")]
    [InlineData("xcs")]
    [InlineData("rss")]
    [InlineData("atom")]
    [InlineData("json")]
    public async Task IfNoneMatch_Matching_Is304WithValidatorsAndNoBody(string extension)
    {
        var (etag, _) = await ValidatorsAsync($"/events/testconf.{extension}");

        using var response = await SendAsync($"/events/testconf.{extension}", ("If-None-Match", etag));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag!.ToString());
        Assert.NotNull(response.Headers.CacheControl);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task IfNoneMatch_ListContainingTheTag_Is304()
    {
        var (etag, _) = await ValidatorsAsync();

        using var response = await SendAsync("/events/testconf.ics", ("If-None-Match", $"\"other\", \"x,y\", {etag}"));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task IfNoneMatch_Star_Is304()
    {
        using var response = await SendAsync("/events/testconf.ics", ("If-None-Match", "*"));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task IfNoneMatch_WeakFormOfTheTag_Is304BecauseComparisonIsWeak()
    {
        var (etag, _) = await ValidatorsAsync();

        using var response = await SendAsync("/events/testconf.ics", ("If-None-Match", "W/" + etag));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task IfNoneMatch_Different_Is200EvenWhenIfModifiedSinceWouldMatch()
    {
        var (_, lastModified) = await ValidatorsAsync();

        using var response = await SendAsync("/events/testconf.ics",
            ("If-None-Match", "\"stale\""),
            ("If-Modified-Since", lastModified.AddYears(1).ToString("R")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task IfModifiedSince_AtOrAfterLastModified_Is304()
    {
        var (_, lastModified) = await ValidatorsAsync();

        using var same = await SendAsync("/events/testconf.ics", ("If-Modified-Since", lastModified.ToString("R")));
        using var later = await SendAsync("/events/testconf.ics", ("If-Modified-Since", lastModified.AddSeconds(1).ToString("R")));

        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, later.StatusCode);
    }

    [Fact]
    public async Task IfModifiedSince_BeforeLastModified_Is200()
    {
        var (_, lastModified) = await ValidatorsAsync();

        using var response = await SendAsync("/events/testconf.ics", ("If-Modified-Since", lastModified.AddSeconds(-1).ToString("R")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("Tue, 99 Foo 2019 99:99:99 GMT")]
    [InlineData("")]
    [InlineData("0")]
    public async Task IfModifiedSince_Unparseable_IsIgnored(string value)
    {
        using var response = await SendAsync("/events/testconf.ics", ("If-Modified-Since", value));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("br", "br")]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("gzip;q=0", null)]
    [InlineData("identity", null)]
    public async Task AcceptEncoding_SelectsAPrecompressedVariantWithItsOwnETag(string acceptEncoding, string? expected)
    {
        using var plain = await _client.GetAsync("/events/testconf.ics");
        var identity = await plain.Content.ReadAsByteArrayAsync();

        using var response = await SendAsync("/events/testconf.ics", ("Accept-Encoding", acceptEncoding));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        if (expected is null)
        {
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(plain.Headers.ETag, response.Headers.ETag);
            Assert.Equal(identity, body);
            return;
        }

        Assert.Equal(expected, Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.NotEqual(plain.Headers.ETag, response.Headers.ETag);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal(identity, Decompress(body, expected));

        using var conditional = await SendAsync("/events/testconf.ics", ("Accept-Encoding", acceptEncoding), ("If-None-Match", response.Headers.ETag.ToString()));
        Assert.Equal(HttpStatusCode.NotModified, conditional.StatusCode);
    }

    private static byte[] Decompress(byte[] body, string coding)
    {
        using var input = new MemoryStream(body);
        using Stream stream = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }
}
