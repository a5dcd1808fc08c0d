using System.Net;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Storage;

public sealed class FileReloadTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static async Task<string?> WaitForETagChangeAsync(HttpClient client, string url, string? before, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(url);
            var etag = response.Headers.ETag?.ToString();
            if (etag != before)
            {
                return etag;
            }

            await Task.Delay(50);
        }

        return before;
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

        _factory.WriteEvent("testconf", TestEvents.Conference(title: "A Renamed Session"));

        var started = DateTime.UtcNow;
        var after = await WaitForETagChangeAsync(client, "/events/testconf.ics", before["ics"], TimeSpan.FromSeconds(5));
        var elapsed = DateTime.UtcNow - started;
        Assert.NotEqual(before["ics"], after);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"reload took {elapsed.TotalMilliseconds} ms");
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
        await WaitForETagChangeAsync(client, "/events/testconf.ics?tz=utc", null, TimeSpan.Zero);
        string updated = original;
        for (var i = 0; i < 100 && !updated.Contains("Moved and Renamed", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            updated = await client.GetStringAsync("/events/testconf.ics?tz=utc");
        }

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
        await Task.Delay(600);

        using var after = await client.GetAsync("/events/testconf.ics");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(etag, after.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task NewAndDeletedFiles_AppearAndDisappear()
    {
        var client = _factory.CreatePlainClient();
        _factory.WriteEvent("second", TestEvents.Conference(id: "second"));
        var status = HttpStatusCode.NotFound;
        for (var i = 0; i < 40 && status != HttpStatusCode.OK; i++)
        {
            await Task.Delay(50);
            using var r = await client.GetAsync("/events/second.ics");
            status = r.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);

        File.Delete(Path.Combine(_factory.EventsPath, "second.json"));
        for (var i = 0; i < 40 && status != HttpStatusCode.NotFound; i++)
        {
            await Task.Delay(50);
            using var r = await client.GetAsync("/events/second.ics");
            status = r.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task UnpublishedAndPrivateEvents_Are404AtPublicUrls()
    {
        _factory.WriteEvent("draftconf", TestEvents.Conference(id: "draftconf", published: false));
        _factory.WriteEvent("hiddenconf", TestEvents.Conference(id: "hiddenconf", visibility: "private"));
        var client = _factory.CreatePlainClient();
        await Task.Delay(600);

        using var draft = await client.GetAsync("/events/draftconf.ics");
        using var hidden = await client.GetAsync("/events/hiddenconf.ics");

        Assert.Equal(HttpStatusCode.NotFound, draft.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }
}
