using System.Net;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Storage;

public sealed class FileReloadTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static async Task<string?> ETagAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return response.Headers.ETag?.ToString();
    }

    [Fact]
    public async Task EditingTheFile_ChangesEveryFormatsETagWithinASecond()
    {
        var client = _factory.CreatePlainClient();
        var before = new Dictionary<string, string>();
        foreach (var ext in new[] { "ics", "xcs", "rss", "atom", "json" })
        {
            using var r = await client.GetAsync($"/events/testconf.{ext}");
            before[ext] = r.Headers.ETag!.ToString();
        }

        using var changed = StoreChangeWatch.Start(_factory.Services, "testconf");
        _factory.WriteEvent("testconf", TestEvents.Conference(title: "A Renamed Session"));

        // README: an edited file is live within a second (the file watcher's event plus a
        // 150 ms debounce; the 2 s poll only backs up file systems without notifications).
        // Timed to the store's own signal, not to the test's next request, whose render can
        // take hundreds of milliseconds on a loaded machine.
        var elapsed = await changed.ElapsedAsync();
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"reload took {elapsed.TotalMilliseconds} ms");
        var after = await Eventually.ValueAsync(() => ETagAsync(client, "/events/testconf.ics"), etag => etag != before["ics"]);
        Assert.NotEqual(before["ics"], after);
        Assert.Contains("A Renamed Session", await client.GetStringAsync("/events/testconf.ics"), StringComparison.Ordinal);
        foreach (var ext in new[] { "xcs", "rss", "atom", "json" })
        {
            using var r = await client.GetAsync($"/events/testconf.{ext}");
            Assert.NotEqual(before[ext], r.Headers.ETag!.ToString());
        }
    }

    [Fact]
    public async Task EditingASession_BumpsItsSequenceAndLastModified()
    {
        var client = _factory.CreatePlainClient();
        var original = await client.GetStringAsync("/events/testconf.ics?tz=utc");
        Assert.Contains("SEQUENCE:1", original, StringComparison.Ordinal);

        _factory.WriteEvent("testconf", TestEvents.Conference(title: "Moved and Renamed"));
        var updated = await Eventually.ValueAsync(() => client.GetStringAsync("/events/testconf.ics?tz=utc"), ics => ics.Contains("Moved and Renamed", StringComparison.Ordinal));

        var vevent = updated[updated.IndexOf("UID:s1-", StringComparison.Ordinal)..];
        vevent = vevent[..vevent.IndexOf("END:VEVENT", StringComparison.Ordinal)];
        Assert.Contains("SEQUENCE:2", vevent, StringComparison.Ordinal);
        Assert.DoesNotContain("LAST-MODIFIED:20260105T080000Z", vevent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenFile_KeepsServingTheLastGoodVersion()
    {
        var client = _factory.CreatePlainClient();
        using var good = await client.GetAsync("/events/testconf.ics");
        var etag = good.Headers.ETag!.ToString();

        _factory.WriteEvent("testconf", "{ \"name\": \"half-saved");
        await _factory.WaitForReloadAsync();

        using var after = await client.GetAsync("/events/testconf.ics");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(etag, after.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task NewAndDeletedFiles_AppearAndDisappear()
    {
        var client = _factory.CreatePlainClient();
        _factory.WriteEvent("second", TestEvents.Conference(id: "second"));
        Assert.Equal(HttpStatusCode.OK, await Eventually.ValueAsync(() => StatusAsync(client, "/events/second.ics"), s => s == HttpStatusCode.OK));

        // A deleted public event is gone (410, docs/push.md), not unknown.
        File.Delete(Path.Combine(_factory.EventsPath, "second.json"));
        Assert.Equal(HttpStatusCode.Gone, await Eventually.ValueAsync(() => StatusAsync(client, "/events/second.ics"), s => s == HttpStatusCode.Gone));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return response.StatusCode;
    }

    [Fact]
    public async Task UnpublishedAndPrivateEvents_Are404AtPublicUrls()
    {
        _factory.WriteEvent("draftconf", TestEvents.Conference(id: "draftconf", published: false));
        _factory.WriteEvent("hiddenconf", TestEvents.Conference(id: "hiddenconf", visibility: "private"));
        var client = _factory.CreatePlainClient();
        await _factory.WaitForReloadAsync();

        using var draft = await client.GetAsync("/events/draftconf.ics");
        using var hidden = await client.GetAsync("/events/hiddenconf.ics");

        Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }
}
