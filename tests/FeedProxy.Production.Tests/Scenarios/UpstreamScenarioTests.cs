using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;
using Xunit.Abstractions;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// Two FeedProxy instances on one PostgreSQL (and Redis) in front of one real upstream HTTP
/// server serving a real calendar from ../shared/data: each interval one fetch in total, a change
/// upstream visible on both instances within the interval plus 5 s, and upstream faults never
/// turn a feed's 200 into an error on either instance.
/// </summary>
#pragma warning disable CA1001 // disposed in DisposeAsync (IAsyncLifetime)
public sealed class UpstreamScenarioTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int RefreshSeconds = 2;
    private static readonly string[] Feeds = ["/events/club.ics", "/events/club.rss?profile=campus"];

    private ScenarioServers _servers = null!;
    private AppInstance _a = null!;
    private AppInstance _b = null!;
    private UpstreamServer _upstream = null!;
    private byte[]? _calendar;

    public async Task InitializeAsync()
    {
        var root = RepositoryPaths.SharedData;
        var path = root is null ? null : Path.Combine(root, "feeds", "indiewebclub-blr", "events.ics");
        if (path is null || !File.Exists(path))
        {
            return;
        }

        _calendar = await File.ReadAllBytesAsync(path);
        _servers = await ScenarioServers.StartAsync();
        _upstream = new UpstreamServer();
        _upstream.Set("/club.ics", _calendar, "text/calendar");
        _a = Instance();
        _b = Instance();
    }

    private AppInstance Instance()
    {
        var instance = _servers.Instance();
        foreach (var (key, value) in UpstreamServer.SourceSettings)
        {
            instance.Settings[key] = value;
        }

        return instance;
    }

    public async Task DisposeAsync()
    {
        if (_calendar is null)
        {
            return;
        }

        _upstream.Dispose();
        await _servers.DisposeAsync();
    }

    private bool Skipped()
    {
        if (_calendar is null)
        {
            output.WriteLine("SKIPPED: ../shared/data/feeds/indiewebclub-blr/events.ics not found next to the repository. Nothing was checked.");
            return true;
        }

        return false;
    }

    private async Task DeclareAsync()
    {
        using var content = new StringContent(
            JsonSerializer.Serialize(new { kind = "ics", url = _upstream.Url("/club.ics").AbsoluteUri, refreshSeconds = RefreshSeconds }),
            Encoding.UTF8,
            "application/json");
        using var put = await _a.AdminClient().PutAsync(new Uri("/admin/events/club/source", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        _ = _b.Client(); // start B too: both refreshers run from now on
        Assert.True(
            await Eventually.TrueAsync(async () => await ETagAsync(_a, Feeds[0]) is not null && await ETagAsync(_b, Feeds[0]) is not null),
            "The source never reached both instances.");
    }

    private static async Task<string?> ETagAsync(AppInstance instance, string path)
    {
        using var response = await instance.Client().GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? response.Headers.ETag?.Tag : null;
    }

    [Fact]
    public async Task TwoInstances_FetchOncePerIntervalInTotal_AndBothServeAChangeWithinTheIntervalPlusFiveSeconds()
    {
        if (Skipped())
        {
            return;
        }

        await DeclareAsync();
        var before = new Dictionary<(string, string), string?>();
        foreach (var feed in Feeds)
        {
            before[("a", feed)] = await ETagAsync(_a, feed);
            before[("b", feed)] = await ETagAsync(_b, feed);
        }

        // Ten seconds with both refreshers running: about one fetch per interval, not one per instance.
        var start = _upstream.Count("/club.ics");
        await Task.Delay(TimeSpan.FromSeconds(10));
        var fetches = _upstream.Count("/club.ics") - start;
        output.WriteLine($"{fetches} upstream requests in 10 s with refreshSeconds={RefreshSeconds} on two instances");
        output.WriteLine(string.Join("\n", _upstream.Requests.Select(r => $"{r.Status} {r.IfNoneMatch} {r.IfModifiedSince}")));
        using (var status = await _a.AdminClient().GetAsync(new Uri("/admin/events/club/source", UriKind.Relative)))
        {
            output.WriteLine(await status.Content.ReadAsStringAsync());
        }

        Assert.InRange(fetches, 3, 6);
        // One first fetch (an attempt that outlasts its time cap on a loaded machine is retried
        // once, also unconditionally), then only conditional polls answered 304.
        Assert.InRange(_upstream.Requests.Count(r => r.IfNoneMatch is null), 1, 2);
        Assert.All(_upstream.Requests.SkipWhile(r => r.IfNoneMatch is null), r => Assert.Equal(304, r.Status));

        var changed = Encoding.UTF8.GetString(_calendar!).Replace("SUMMARY:IndieWebClub #31", "SUMMARY:IndieWebClub #31 (new venue)", StringComparison.Ordinal);
        // README: a change upstream is on every instance within refreshSeconds + 5 s. Timed from
        // the upstream change to each instance's store reporting the event changed (from then on
        // it serves the new version), not to the test's renders that notice the new ETags.
        await _a.WaitUntilListeningAsync();
        await _b.WaitUntilListeningAsync();
        using var onA = StoreChangeWatch.Start(_a.Host.Services, "club");
        using var onB = StoreChangeWatch.Start(_b.Host.Services, "club");
        _upstream.Set("/club.ics", changed, "text/calendar");
        foreach (var (name, watch) in new[] { ("a", onA), ("b", onB) })
        {
            var elapsed = await watch.ElapsedAsync();
            output.WriteLine($"instance {name} had the change {elapsed.TotalMilliseconds:F0} ms after the upstream did");
            Assert.True(elapsed < TimeSpan.FromSeconds(RefreshSeconds + 5), $"instance {name}: {elapsed.TotalMilliseconds} ms");
        }

        foreach (var ((instance, feed), old) in before)
        {
            var etag = await Eventually.ValueAsync(() => ETagAsync(instance == "a" ? _a : _b, feed), e => e is not null && e != old);
            Assert.True(etag is not null && etag != old, $"{instance} {feed}: still {etag}");
        }
        using var body = await _b.Client().GetAsync(new Uri(Feeds[0], UriKind.Relative));
        Assert.Contains("(new venue)", await body.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamFaults_NeverTurnA200IntoAnError_OnEitherInstance()
    {
        if (Skipped())
        {
            return;
        }

        await DeclareAsync();
        var etag = await ETagAsync(_a, Feeds[0]);
        var faults = new[] { UpstreamFault.ServerError, UpstreamFault.Garbage, UpstreamFault.Truncated, UpstreamFault.Timeout, UpstreamFault.SlowDrip, UpstreamFault.ChangingDtStamp };
        var answers = 0;
        foreach (var fault in faults)
        {
            _upstream.Fault = fault;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(3))
            {
                foreach (var instance in new[] { _a, _b })
                {
                    using var response = await instance.Client().GetAsync(new Uri(Feeds[0], UriKind.Relative));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Equal(etag, response.Headers.ETag?.Tag);
                    answers++;
                }

                await Task.Delay(50);
            }

            output.WriteLine($"{fault}: upstream saw {_upstream.Requests.Count} requests so far");
        }

        output.WriteLine($"{answers} feed answers, all 200 with the last good ETag");
        using var status = await _a.AdminClient().GetAsync(new Uri("/admin/events/club/source", UriKind.Relative));
        output.WriteLine(await status.Content.ReadAsStringAsync());
    }
}
