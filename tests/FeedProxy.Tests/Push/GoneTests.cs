using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FeedProxy.Gone;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Tests.Push;

/// <summary>
/// A deleted public event or collection answers 410 Gone on its feed URLs (so calendar
/// clients stop polling); one that never existed, or a private one, answers 404.
/// </summary>
public sealed class GoneTests : IDisposable
{
    private const string Token = "test-admin-token-0123456789";
    private static readonly string[] Formats = ["ics", "xcs", "rss", "atom", "json"];
    private readonly FeedProxyFactory _factory = new();

    public GoneTests()
    {
        _factory.Settings["FeedProxy:AdminToken"] = Token;
        _factory.WriteEvent("secret", TestEvents.Conference(id: "secret", visibility: "private"));
        _factory.WriteEvent("filed", TestEvents.Conference(id: "filed"));
        _factory.WriteCollection("both", """{ "name": "Both", "members": [ { "event": "testconf" } ] }""");
    }

    public void Dispose() => _factory.Dispose();

    private async Task<HttpClient> ReadyAdminAsync()
    {
        await _factory.Services.GetRequiredService<Tombstones>().Ready;
        var client = _factory.CreatePlainClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var response = await _factory.CreatePlainClient().GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    [Fact]
    public async Task DeletedEvent_AnswersGoneOnEveryFeed_NeverExisted_StaysNotFound()
    {
        using var admin = await ReadyAdminAsync();
        EntityTagHeaderValue etag;
        using (var first = await _factory.CreatePlainClient().GetAsync(new Uri("/events/testconf.ics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            etag = first.Headers.ETag!;
        }

        using (var delete = await admin.DeleteAsync(new Uri("/admin/events/testconf", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.True(await Eventually.TrueAsync(async () => await StatusAsync("/events/testconf.ics") == HttpStatusCode.Gone));

        // A poll with the old validator is not answered 304 by the fast path: the feed is gone.
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative)))
        {
            conditional.Headers.IfNoneMatch.Add(etag);
            using var response = await _factory.CreatePlainClient().SendAsync(conditional);
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        }
        foreach (var format in Formats)
        {
            using var response = await _factory.CreatePlainClient().GetAsync(new Uri($"/events/testconf.{format}?tz=utc", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.Gone, await StatusAsync("/events/testconf/changes.rss"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/events/neverwas.ics"));

        // Created again: served again.
        using (var put = await admin.PutAsync(new Uri("/admin/events/testconf", UriKind.Relative), new StringContent(TestEvents.Conference(), Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        Assert.True(await Eventually.TrueAsync(async () => await StatusAsync("/events/testconf.ics") == HttpStatusCode.OK));
    }

    [Fact]
    public async Task DeletedPrivateEvent_AnswersExactlyAsNonexistent()
    {
        using var admin = await ReadyAdminAsync();
        using (var delete = await admin.DeleteAsync(new Uri("/admin/events/secret", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        // The public event deleted after it is gone by then: the private one was handled first.
        using (var delete = await admin.DeleteAsync(new Uri("/admin/events/testconf", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.True(await Eventually.TrueAsync(async () => await StatusAsync("/events/testconf.ics") == HttpStatusCode.Gone));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/events/secret.ics"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/events/secret/changes.atom"));
    }

    [Fact]
    public async Task EventFileRemoved_AnswersGone()
    {
        _ = await ReadyAdminAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/events/filed.rss"));
        _factory.DeleteEvent("filed");
        Assert.True(await Eventually.TrueAsync(async () => await StatusAsync("/events/filed.rss") == HttpStatusCode.Gone));
    }

    [Fact]
    public async Task DeletedCollection_AnswersGone()
    {
        using var admin = await ReadyAdminAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/collections/both.ics"));
        using (var delete = await admin.DeleteAsync(new Uri("/admin/collections/both", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Gone, await StatusAsync("/collections/both.ics"));
        Assert.Equal(HttpStatusCode.Gone, await StatusAsync("/collections/both/changes.rss"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/collections/neverwas.ics"));
    }

    [Theory]
    [InlineData("/events/testconf.ics")]
    [InlineData("/events/testconf.xcs")]
    [InlineData("/events/testconf.json")]
    [InlineData("/events/testconf.rss")]
    [InlineData("/events/testconf.atom")]
    [InlineData("/events/testconf/changes.rss")]
    [InlineData("/collections/both.atom")]
    public async Task Feeds_AdvertiseTheHubAndTheirTopicUrl(string path)
    {
        // The second answer comes from the revalidation fast path (remembered response), which must carry them too.
        for (var round = 0; round < 2; round++)
        {
            using var response = await _factory.CreatePlainClient().GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var links = string.Join(", ", response.Headers.GetValues("Link"));
            Assert.Contains("<http://localhost/hub>; rel=\"hub\"", links, StringComparison.Ordinal);
            Assert.Contains($"<http://localhost{path}>; rel=\"self\"", links, StringComparison.Ordinal);
            if (path.EndsWith(".rss", StringComparison.Ordinal) || path.EndsWith(".atom", StringComparison.Ordinal))
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.Contains("href=\"http://localhost/hub\"", body, StringComparison.Ordinal);
                Assert.Contains("rel=\"hub\"", body, StringComparison.Ordinal);
            }
        }
    }
}
