using System.Net;
using FeedProxy.Storage;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

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

    // README: an edited file is live within a second (the file watcher's event plus a 150 ms
    // debounce; the 2 s poll only backs up file systems without notifications). The test holds
    // the mechanism, not a wall-clock bound: once the watcher has seen the write, 150 ms of the
    // host's clock bring the reload, and every format's ETag moves.
    [Fact]
    public async Task EditingTheFile_IsReadOneDebounceAfterTheWatchersEvent_AndChangesEveryFormatsETag()
    {
        var client = _factory.CreatePlainClient();
        var before = new Dictionary<string, string>();
        foreach (var ext in new[] { "ics", "xcs", "rss", "atom", "json" })
        {
            using var r = await client.GetAsync($"/events/testconf.{ext}");
            before[ext] = r.Headers.ETag!.ToString();
        }

        var store = _factory.Services.GetRequiredService<FileEventStore>();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSeen() => seen.TrySetResult();
        void OnChanged(string id)
        {
            if (id == "testconf")
            {
                changed.TrySetResult();
            }
        }

        store.FileEventSeen += OnSeen;
        store.Changed += OnChanged;
        try
        {
            _factory.WriteEventFile("testconf", TestEvents.Conference(title: "A Renamed Session"));
            // The watcher's event comes from the operating system, not from the clock.
            await seen.Task.WaitAsync(Eventually.Deadline);
            Assert.False(changed.Task.IsCompleted, "read before the debounce passed");
            _factory.Clock.Advance(TimeSpan.FromMilliseconds(150));
            await changed.Task.WaitAsync(Eventually.Deadline);
        }
        finally
        {
            store.FileEventSeen -= OnSeen;
            store.Changed -= OnChanged;
        }

        Assert.Contains("A Renamed Session", await client.GetStringAsync("/events/testconf.ics"), StringComparison.Ordinal);
        foreach (var ext in new[] { "ics", "xcs", "rss", "atom", "json" })
        {
            using var r = await client.GetAsync($"/events/testconf.{ext}");
            Assert.NotEqual(before[ext], r.Headers.ETag!.ToString());
        }
    }

    [Fact]
    public async Task WithoutWatcherEvents_ThePollReadsAWrittenFileEveryTwoSeconds()
    {
        var client = _factory.CreatePlainClient();
        _ = _factory.Host;
        _factory.WriteEventFile("polled", TestEvents.Conference(id: "polled"));

        // Whatever the watcher did, one poll interval of the host's clock brings a full pass.
        await _factory.PollFilesAsync();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/events/polled.ics"));
    }

    [Fact]
    public async Task EditingASession_BumpsItsSequenceAndLastModified()
    {
        var client = _factory.CreatePlainClient();
        var original = await client.GetStringAsync("/events/testconf.ics?tz=utc");
        Assert.Contains("SEQUENCE:1", original, StringComparison.Ordinal);

        _factory.WriteEvent("testconf", TestEvents.Conference(title: "Moved and Renamed"));
        var updated = await client.GetStringAsync("/events/testconf.ics?tz=utc");
        Assert.Contains("Moved and Renamed", updated, StringComparison.Ordinal);

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
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/events/second.ics"));

        // A deleted public event is gone (410, docs/push.md), not unknown.
        _factory.DeleteEvent("second");
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
