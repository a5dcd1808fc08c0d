using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using FeedProxy.Rendering;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Tests.Feeds;

/// <summary>
/// A miss answers with its coding made at a fast level; off the request path the best level
/// replaces it in the cache. The entity tag belongs to the identity bytes and the coding, so
/// it does not change with the swap: a client holding the fast body's tag gets 304. Since the
/// bytes do change, no byte range is ever served (RFC 9110 section 14.2 lets a server ignore
/// Range): a range of one body can never be joined to a range of the other.
/// </summary>
public sealed class CodingSwapTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public CodingSwapTests()
    {
        var sessions = string.Join(",\n", Enumerable.Range(1, 80).Select(i =>
            $$"""{ "id": "s{{i}}", "title": "Session {{i * 7919 % 997}} on calendars", "abstract": "Talk {{i}} about feeds, codings and caches; room {{i % 7}}.", "start": "2027-03-{{10 + i % 15}}T{{8 + i % 9:00}}:00:00Z", "duration": "PT45M", "state": "confirmed" }"""));
        _factory.WriteEvent("big", $$"""
        {
          "id": "big", "name": "Big Conference", "timeZone": "UTC", "published": true, "visibility": "public",
          "lastModified": "2027-01-10T12:00:00Z",
          "sessions": [ {{sessions}} ]
        }
        """);
    }

    public void Dispose() => _factory.Dispose();

    private static async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(HttpClient client, string coding, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/big.ics");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
        headers?.Invoke(request.Headers);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Decode(string coding, byte[] body)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task TheFastBodysETag_Gets304_AfterTheBestBodyReplacedIt_AndNoRangeIsServed(string coding)
    {
        var client = _factory.CreatePlainClient();
        var pipeline = _factory.Services.GetRequiredService<RenderPipeline>();

        // The first request after a change: a miss, answered with the fast coding.
        var (fast, fastBody) = await GetAsync(client, coding);
        using (fast)
        {
            Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
            Assert.Equal(coding, Assert.Single(fast.Content.Headers.ContentEncoding));
        }

        // The background coding work ends (a signal, not a clock): the best body is cached.
        await pipeline.WhenIdleAsync();
        var (best, bestBody) = await GetAsync(client, coding);
        var (identity, identityBody) = await GetAsync(client, "identity");
        using (best)
        using (identity)
        {
            Assert.Equal(fast.Headers.ETag, best.Headers.ETag);
            Assert.NotEqual(fast.Headers.ETag, identity.Headers.ETag);
            Assert.True(bestBody.Length < fastBody.Length, $"best {bestBody.Length} bytes, fast {fastBody.Length}");
            Assert.Equal(identityBody, Decode(coding, fastBody));
            Assert.Equal(identityBody, Decode(coding, bestBody));
            Assert.DoesNotContain("bytes", best.Headers.AcceptRanges);
        }

        // A client that cached the fast body revalidates against the best one.
        var (notModified, _) = await GetAsync(client, coding, h => h.IfNoneMatch.Add(fast.Headers.ETag!));
        using (notModified)
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(fast.Headers.ETag, notModified.Headers.ETag);
        }

        // A client that holds the first bytes of the fast body and asks for the rest gets the
        // whole best body, never a range of it.
        var (ranged, rangedBody) = await GetAsync(client, coding, h =>
        {
            h.Range = new RangeHeaderValue(100, null);
            h.IfRange = new RangeConditionHeaderValue(fast.Headers.ETag!);
        });
        using (ranged)
        {
            Assert.Equal(HttpStatusCode.OK, ranged.StatusCode);
            Assert.Null(ranged.Content.Headers.ContentRange);
            Assert.Equal(bestBody, rangedBody);
        }
    }
}
