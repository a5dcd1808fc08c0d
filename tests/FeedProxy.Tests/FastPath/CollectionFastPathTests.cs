using System.Net;
using FeedProxy.FastPath;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Tests.FastPath;

/// <summary>Collection feeds take the revalidation fast path of event feeds, with the same invalidation.</summary>
public sealed class CollectionFastPathTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public CollectionFastPathTests()
    {
        _factory.WriteCollection("pair", """{ "name": "Pair", "members": [ { "event": "testconf" } ] }""");
    }

    public void Dispose() => _factory.Dispose();

    private KnownFeeds Known => _factory.Services.GetRequiredService<KnownFeeds>();

    /// <summary>
    /// The answer of the full pipeline from the cache: a miss answers before its compressed
    /// codings exist and is not remembered, so the test waits for the background work to end
    /// (a signal, not a clock) and asks again.
    /// </summary>
    private async Task<HttpResponseMessage> FullPipelineAnswerAsync(HttpClient client)
    {
        using (await client.GetAsync(new Uri("/collections/pair.ics", UriKind.Relative)))
        {
        }

        await _factory.Services.GetRequiredService<FeedProxy.Rendering.RenderPipeline>().WhenIdleAsync();
        return await client.GetAsync(new Uri("/collections/pair.ics", UriKind.Relative));
    }

    [Fact]
    public async Task TheVersionOfAnUnchangedCollection_CostsNoAllocation()
    {
        var client = _factory.CreatePlainClient();
        using var full = await client.GetAsync(new Uri("/collections/pair.ics", UriKind.Relative));
        var collections = _factory.Services.GetRequiredService<FeedProxy.Collections.CollectionFeedService>();
        var version = await collections.TryGetVersionAsync("pair", default);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            Assert.Same(version, await collections.TryGetVersionAsync("pair", default));
        }

        var perLookup = (GC.GetAllocatedBytesForCurrentThread() - before) / 1_000.0;
        Assert.True(perLookup < 1, $"{perLookup:F1} bytes per version lookup");
    }

    [Fact]
    public async Task AKnownCollectionUrl_IsAnsweredLikeTheFullPipeline_With200And304s()
    {
        var client = _factory.CreatePlainClient();
        using var full = await FullPipelineAnswerAsync(client);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(1, Known.Count);

        using var fast = await client.GetAsync(new Uri("/collections/pair.ics", UriKind.Relative));
        Assert.Equal(full.Headers.ETag, fast.Headers.ETag);
        Assert.Equal(full.Headers.CacheControl, fast.Headers.CacheControl);
        Assert.Equal(full.Content.Headers.LastModified, fast.Content.Headers.LastModified);
        Assert.Equal(await full.Content.ReadAsByteArrayAsync(), await fast.Content.ReadAsByteArrayAsync());

        foreach (var (name, value) in new[] { ("If-None-Match", full.Headers.ETag!.ToString()), ("If-Modified-Since", full.Content.Headers.GetValues("Last-Modified").Single()) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/collections/pair.ics", UriKind.Relative));
            request.Headers.TryAddWithoutValidation(name, value);
            using var conditional = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, conditional.StatusCode);
            Assert.Equal(full.Headers.ETag, conditional.Headers.ETag);
        }

        Assert.Equal(1, Known.Count);
    }

    [Fact]
    public async Task AKnownCollection_MadePrivate_IsNotServedFromTheRememberedAnswer()
    {
        var client = _factory.CreatePlainClient();
        using var first = await FullPipelineAnswerAsync(client);
        Assert.Equal(1, Known.Count);

        _factory.WriteCollection("pair", """{ "name": "Pair", "visibility": "private", "members": [ { "event": "testconf" } ] }""");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/collections/pair.ics", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
        using var after = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal(0, Known.Count);
    }

    [Fact]
    public async Task AMemberEdit_EndsTheKnownCollectionsRevalidation()
    {
        var client = _factory.CreatePlainClient();
        using var first = await client.GetAsync(new Uri("/collections/pair.ics", UriKind.Relative));
        var etag = first.Headers.ETag!.ToString();

        _factory.WriteEvent("testconf", TestEvents.Conference(title: "A Renamed Session"));
        using var changed = await Revalidation.UntilChangedAsync(client, "/collections/pair.ics", etag, "the edit never reached the collection");
        Assert.NotEqual(etag, changed.Headers.ETag!.ToString());
        Assert.Contains("A Renamed Session", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectionUrlsWithAFilter_OrAToken_AreNeverRemembered()
    {
        var client = _factory.CreatePlainClient();
        using var filtered = await client.GetAsync(new Uri("/collections/pair.ics?track=Security", UriKind.Relative));
        using var missing = await client.GetAsync(new Uri("/collections/nosuch.ics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, filtered.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(0, Known.Count);
    }
}
