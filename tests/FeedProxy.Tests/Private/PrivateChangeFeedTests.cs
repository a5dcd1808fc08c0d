using System.Net;
using System.Xml.Linq;
using FeedProxy.Private;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Tests.Private;

/// <summary>
/// A private event's change feeds are served under its secret token only: the public URLs and
/// wrong tokens answer exactly what an unknown event does, and nothing of the event (name,
/// session titles, the token itself in ids) shows where it must not.
/// </summary>
public sealed class PrivateChangeFeedTests : IDisposable
{
    private const string Moved = "\"start\": \"2027-03-27T14:00:00+01:00\", \"end\": \"2027-03-27T14:45:00+01:00\"";
    private const string Original = "\"start\": \"2027-03-27T10:00:00+01:00\", \"end\": \"2027-03-27T10:45:00+01:00\"";
    private static readonly string[] Extensions = ["rss", "atom"];

    private readonly FeedProxyFactory _factory = new();
    private readonly HttpClient _client;

    public PrivateChangeFeedTests()
    {
        _factory.WriteEvent("hidden", TestEvents.Conference("hidden", title: "Secret Board Meeting", visibility: "private"));
        _client = _factory.CreatePlainClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private PrivateAccess Access => _factory.Services.GetRequiredService<PrivateAccess>();

    private async Task MoveASessionAsync()
    {
        using var changed = StoreChangeWatch.Start(_factory.Services, "hidden");
        _factory.WriteEvent("hidden", TestEvents.Conference("hidden", title: "Secret Board Meeting", visibility: "private").Replace(Original, Moved, StringComparison.Ordinal));
        await changed.ElapsedAsync();
    }

    // The trace id differs per request by design; everything else must be the same.
    private static string Normalised(string body, string id) =>
        System.Text.RegularExpressions.Regex.Replace(body.Replace(id, "X", StringComparison.Ordinal), "\"traceId\":\"[^\"]*\"", "\"traceId\":\"\"");

    [Fact]
    public async Task TokenUrl_ServesTheChangeFeed_PrivatelyCached_LinksUnderTheToken_GuidsWithoutIt()
    {
        var token = await Access.RotateAsync("hidden", CancellationToken.None);
        await MoveASessionAsync();

        using var rss = await _client.GetAsync($"/private/{token}/events/hidden/changes.rss");
        Assert.Equal(HttpStatusCode.OK, rss.StatusCode);
        Assert.Equal("application/rss+xml", rss.Content.Headers.ContentType!.MediaType);
        Assert.True(rss.Headers.CacheControl!.Private && !rss.Headers.CacheControl.Public);
        var document = XDocument.Parse(await rss.Content.ReadAsStringAsync());
        var item = Assert.Single(document.Descendants("item"));
        Assert.Equal("Moved: Secret Board Meeting", item.Element("title")!.Value);
        Assert.StartsWith("tag:tests.feedproxy.example,2024:events/hidden/sessions/s1/changes/", item.Element("guid")!.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(token, item.Element("guid")!.Value, StringComparison.Ordinal);
        Assert.EndsWith($"/private/{token}/events/hidden", document.Root!.Element("channel")!.Element("link")!.Value, StringComparison.Ordinal);

        using var atom = await _client.GetAsync($"/private/{token}/events/hidden/changes.atom");
        Assert.Equal(HttpStatusCode.OK, atom.StatusCode);
        Assert.True(atom.Headers.CacheControl!.Private);
        var feedId = XDocument.Parse(await atom.Content.ReadAsStringAsync()).Root!.Element(XName.Get("id", "http://www.w3.org/2005/Atom"))!.Value;
        Assert.DoesNotContain(token, feedId, StringComparison.Ordinal);

        using var head = new HttpRequestMessage(HttpMethod.Head, $"/private/{token}/events/hidden/changes.rss");
        using var headResponse = await _client.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/private/{token}/events/hidden/changes.rss");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", rss.Headers.ETag!.Tag);
        using var notModified = await _client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task PublicUrlsAndWrongTokens_AnswerExactlyAsForAnUnknownEvent()
    {
        var token = await Access.RotateAsync("hidden", CancellationToken.None);
        var publicToken = await Access.RotateAsync("testconf", CancellationToken.None);
        await MoveASessionAsync();
        var wrong = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        foreach (var extension in Extensions)
        {
            // Before and after the first refusal: a cached "hidden" answer must look the same.
            for (var round = 0; round < 2; round++)
            {
                foreach (var (path, unknown) in new[]
                {
                    ($"/events/hidden/changes.{extension}", $"/events/nosuchevent/changes.{extension}"),
                    ($"/private/{wrong}/events/hidden/changes.{extension}", $"/private/{wrong}/events/nosuchevent/changes.{extension}"),
                    ($"/private/{publicToken}/events/hidden/changes.{extension}", $"/private/{publicToken}/events/nosuchevent/changes.{extension}"),
                    ($"/private/{token}/events/testconf/changes.{extension}", $"/private/{token}/events/nosuchevent/changes.{extension}"),
                })
                {
                    using var response = await _client.GetAsync(path);
                    using var missing = await _client.GetAsync(unknown);
                    Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} -> {(int)response.StatusCode}");
                    Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.Equal(Normalised(await missing.Content.ReadAsStringAsync(), "nosuchevent"), Normalised(body, path.Contains("testconf", StringComparison.Ordinal) ? "testconf" : "hidden"));
                    Assert.DoesNotContain("Secret Board Meeting", body, StringComparison.Ordinal);
                    Assert.False(response.Headers.Contains("ETag"));
                }
            }
        }
    }

    [Fact]
    public async Task RotatedToken_LosesTheChangeFeedAtOnce()
    {
        var old = await Access.RotateAsync("hidden", CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/private/{old}/events/hidden/changes.rss")).StatusCode);

        var rotated = await Access.RotateAsync("hidden", CancellationToken.None);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/private/{old}/events/hidden/changes.rss")).StatusCode);
        using var fresh = await _client.GetAsync($"/private/{rotated}/events/hidden/changes.rss");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.DoesNotContain(old, await fresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateChangeFeed_IsNotInTheOpenApiDescription_AndThePrivatePageLinksIt()
    {
        var token = await Access.RotateAsync("hidden", CancellationToken.None);
        var openApi = await _client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.DoesNotContain("/private/", openApi, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/private/{token}/events/hidden");
        request.Headers.Accept.ParseAdd("text/html");
        using var page = await _client.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"/private/{token}/events/hidden/changes.rss", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"/events/hidden/changes", html, StringComparison.Ordinal);
    }
}
