using System.Collections.Concurrent;
using System.Net;
using FeedProxy.Private;
using FeedProxy.Tests.Pages;
using FeedProxy.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedProxy.Tests.Private;

public sealed class PrivateEventTests : IDisposable
{
    private static readonly string[] Extensions = ["ics", "xcs", "rss", "atom", "json"];

    private readonly FeedProxyFactory _factory = new();
    private readonly HttpClient _client;

    public PrivateEventTests()
    {
        _factory.WriteEvent("hidden", TestEvents.Conference("hidden", visibility: "private"));
        _client = _factory.CreatePlainClient();
    }

    public void Dispose() => _factory.Dispose();

    private PrivateAccess Access => _factory.Services.GetRequiredService<PrivateAccess>();

    [Fact]
    public async Task PrivateEvent_IsNotFoundAtItsPublicUrls()
    {
        await Access.RotateAsync("hidden", CancellationToken.None);
        string[] urls = [.. Extensions.Select(e => $"/events/hidden.{e}"), "/events/hidden/sessions/s1.ics", "/events/hidden"];

        foreach (var url in urls)
        {
            using var response = await GetAsync(url, html: true);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} -> {(int)response.StatusCode}");
            // The same answer as for an event that does not exist: nothing reveals that it does.
            using var missing = await GetAsync(url.Replace("hidden", "nosuchevent", StringComparison.Ordinal), html: true);
            Assert.Equal(
                (await missing.Content.ReadAsStringAsync()).Replace("nosuchevent", "X", StringComparison.Ordinal),
                (await response.Content.ReadAsStringAsync()).Replace("hidden", "X", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TokenUrl_ServesEveryFormatThePageAndSessions_AsPrivate()
    {
        var token = await Access.RotateAsync("hidden", CancellationToken.None);

        foreach (var extension in Extensions)
        {
            using var response = await GetAsync($"/private/{token}/events/hidden.{extension}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{extension}: {(int)response.StatusCode}");
            Assert.True(response.Headers.CacheControl!.Private && !response.Headers.CacheControl.Public, extension);
        }

        using var session = await GetAsync($"/private/{token}/events/hidden/sessions/s1.ics");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.True(session.Headers.CacheControl!.Private && !session.Headers.CacheControl.Public);

        using var page = await GetAsync($"/private/{token}/events/hidden", html: true);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        Assert.True(page.Headers.CacheControl!.Private && page.Headers.CacheControl.NoStore);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"/private/{token}/events/hidden.ics", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"/events/hidden", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/agenda/", html, StringComparison.Ordinal);

        using var noAccept = await GetAsync($"/private/{token}/events/hidden");
        Assert.Equal(HttpStatusCode.NotFound, noAccept.StatusCode);
    }

    [Fact]
    public async Task PrivatePage_EveryLinkResolvesUnderTheToken()
    {
        var token = await Access.RotateAsync("hidden", CancellationToken.None);

        var checkedPaths = await _client.CheckLinksAsync($"/private/{token}/events/hidden");

        Assert.Contains($"/private/{token}/events/hidden/sessions/s1.ics", checkedPaths);
        Assert.All(checkedPaths, path => Assert.StartsWith($"/private/{token}/", path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrivateEvent_HasNoAgendaFeeds()
    {
        await Access.RotateAsync("hidden", CancellationToken.None);
        var page = await _client.GetDocumentAsync("/events/testconf?session=s1");
        var code = page.QuerySelector("#agenda-url")!.GetAttribute("value")!.Split('/')[^1].Split('.')[0];

        using var response = await GetAsync($"/events/hidden/agenda/{code}.ics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Rotate_MakesTheOldUrlNotFoundAtOnce_AndTheNewOneWork()
    {
        var old = await Access.RotateAsync("hidden", CancellationToken.None);
        using (var before = await GetAsync($"/private/{old}/events/hidden.ics"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var rotated = await Access.RotateAsync("hidden", CancellationToken.None);

        Assert.NotEqual(old, rotated);
        Assert.Equal(43, rotated.Length);
        using var oldResponse = await GetAsync($"/private/{old}/events/hidden.ics");
        Assert.Equal(HttpStatusCode.NotFound, oldResponse.StatusCode);
        using var oldPage = await GetAsync($"/private/{old}/events/hidden", html: true);
        Assert.Equal(HttpStatusCode.NotFound, oldPage.StatusCode);
        using var newResponse = await GetAsync($"/private/{rotated}/events/hidden.ics");
        Assert.Equal(HttpStatusCode.OK, newResponse.StatusCode);
    }

    [Fact]
    public async Task RotationByAnotherInstanceSharingTheStore_AppliesOnTheNextRequest()
    {
        var token = await Access.RotateAsync("hidden", CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/private/{token}/events/hidden.ics")).StatusCode);

        using var other = new FeedProxyFactory();
        other.Settings["FeedProxy:StatePath"] = Path.Combine(_factory.Root, "state");
        var rotated = await other.Services.GetRequiredService<PrivateAccess>().RotateAsync("hidden", CancellationToken.None);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/private/{token}/events/hidden.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/private/{rotated}/events/hidden.ics")).StatusCode);
    }

    [Fact]
    public async Task WrongMissingOrMalformedToken_Is404()
    {
        var token = await Access.RotateAsync("hidden", CancellationToken.None);
        var other = await Access.RotateAsync("testconf", CancellationToken.None);
        string[] tokens = [token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), token[..^1], token + "A", "x", other, new string('A', 43), "..%2F..%2F"];

        foreach (var t in tokens)
        {
            using var response = await GetAsync($"/private/{t}/events/hidden.ics");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{t} -> {(int)response.StatusCode}");
        }

        using var unknownEvent = await GetAsync($"/private/{token}/events/nosuch.ics");
        Assert.Equal(HttpStatusCode.NotFound, unknownEvent.StatusCode);
    }

    [Fact]
    public async Task EventWithoutAToken_HasNoWorkingUrl()
    {
        var store = _factory.Services.GetRequiredService<IAccessTokenStore>();

        Assert.Null(await store.GetAsync("hidden", CancellationToken.None));
        using var response = await GetAsync($"/private/{new string('A', 43)}/events/hidden.ics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TokenFile_IsReadableByTheOwnerOnly()
    {
        await Access.RotateAsync("hidden", CancellationToken.None);
        var path = Path.Combine(_factory.Root, "state", "access-tokens.json");

        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task RotateTokenCommand_PrintsTheNewPathAndInvalidatesTheOld()
    {
        var old = await Access.RotateAsync("hidden", CancellationToken.None);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, await TokenCommand.RunAsync(_factory.Services, "hidden", makePrivate: false, output, error));
        Assert.Equal(string.Empty, error.ToString());

        var path = output.ToString().Trim();
        Assert.Matches("^/private/[A-Za-z0-9_-]{43}/events/hidden$", path);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(path + ".ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/private/{old}/events/hidden.ics")).StatusCode);
    }

    [Fact]
    public async Task Tokens_AreStoredHashed_AndPlainTokensFromBeforeKeepWorking()
    {
        var token = await Access.RotateAsync("hidden", CancellationToken.None);
        var file = Path.Combine(_factory.Root, "state", FileAccessTokenStore.FileName);

        var stored = await File.ReadAllTextAsync(file);
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.Contains(AccessTokens.Hash(token), stored, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/private/{token}/events/hidden.ics")).StatusCode);

        // A file written before hashing: the URL keeps working and the file is rewritten hashed.
        var legacy = AccessTokens.NewToken();
        await File.WriteAllTextAsync(file, $"{{\"hidden\":\"{legacy}\"}}");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/private/{legacy}/events/hidden.ics")).StatusCode);
        Assert.DoesNotContain(legacy, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/private/{legacy}/events/hidden.rss")).StatusCode);
    }

    [Fact]
    public async Task PrivateEventAndNonexistentEvent_CostTheSame_AfterTheFirstAsk()
    {
        await Access.RotateAsync("hidden", CancellationToken.None);
        var cache = _factory.Services.GetRequiredService<FeedProxy.Caching.MemoryFeedCacheStore>();
        using (var first = await GetAsync("/events/hidden.ics"))
        {
            Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        }

        // The answer for this version is remembered: later asks read no schedule, like a
        // nonexistent event (a version lookup and a cache read), and are not rendered again.
        var entries = cache.Count;
        for (var i = 0; i < 20; i++)
        {
            using var again = await GetAsync("/events/hidden.ics");
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        Assert.Equal(entries, cache.Count);
    }

    [Fact]
    public async Task Token_NeverAppearsInLogs_EvenWithRequestLoggingAtDebug()
    {
        var sink = new ConcurrentQueue<string>();
        using var logged = _factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Debug");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Information");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information");
            builder.ConfigureLogging(l => l.AddProvider(new FeedProxy.Tests.Support.SinkProvider(sink)));
        });
        var token = await logged.Services.GetRequiredService<PrivateAccess>().RotateAsync("hidden", CancellationToken.None);
        var client = logged.Server.CreateClient();

        using (var response = await client.GetAsync($"/private/{token}/events/hidden.ics?track=security"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await client.GetAsync($"/private/{token}/events/hidden.xcs?track=nosuch");
        await client.GetAsync($"/private/{token}/events/nosuch.ics");

        Assert.NotEmpty(sink);
        Assert.Contains(sink, line => line.Contains("/private/***/events/hidden.ics", StringComparison.Ordinal));
        Assert.DoesNotContain(sink, line => line.Contains(token, StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> GetAsync(string url, bool html = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (html)
        {
            request.Headers.Accept.ParseAdd("text/html");
        }

        return await _client.SendAsync(request);
    }
}
