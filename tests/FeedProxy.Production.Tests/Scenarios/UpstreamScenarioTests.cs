using System.Net;
using System.Text;
using System.Text.Json;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;
using Microsoft.Extensions.DependencyInjection;
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

        instance.WithServices(services => services.AddHttpClient(FeedProxy.Upstream.UpstreamFetcher.ClientName).ObservedBy(_upstream));

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
        var first = NextRefreshOnEither(); // starts both: both refreshers run from now on
        using var put = await _a.AdminClient().PutAsync(new Uri("/admin/events/club/source", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("200", (await first.WaitAsync(Eventually.Deadline)).LastResult);
        Assert.True(
            await Eventually.TrueAsync(async () => await ETagAsync(_a, Feeds[0]) is not null && await ETagAsync(_b, Feeds[0]) is not null),
            "The source never reached both instances.");
    }

    private static async Task<string?> ETagAsync(AppInstance instance, string path)
    {
        using var response = await instance.Client().GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? response.Headers.ETag?.Tag : null;
    }

    /// <summary>The next completed refresh of the source on either instance (their refreshers' signal), listened for from this call on.</summary>
    private Task<FeedProxy.Upstream.SourceStatus> NextRefreshOnEither() => RefreshSignal.Next("club", _a.Host.Services, _b.Host.Services);

    /// <summary>Waits for <paramref name="task"/> while moving the shared clock on by <paramref name="step"/> (<see cref="DrivenClock.DriveAsync{T}"/>).</summary>
    private Task<T> DriveAsync<T>(Task<T> task, TimeSpan step) => _servers.Clock.DriveAsync(task, step, _upstream);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task TwoInstances_FetchOncePerIntervalInTotal_AndBothServeAChangeAtTheNextInterval()
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

        // Five intervals of the shared clock with both refreshers running: exactly one fetch per
        // interval in total, not one per instance (the claim in PostgreSQL).
        var start = _upstream.Count("/club.ics");
        for (var interval = 0; interval < 5; interval++)
        {
            var next = NextRefreshOnEither();
            _servers.Clock.Advance(TimeSpan.FromSeconds(RefreshSeconds));
            Assert.Equal("304", (await DriveAsync(next, Poll)).LastResult);
        }

        var fetches = _upstream.Count("/club.ics") - start;
        output.WriteLine(string.Join("\n", _upstream.Requests.Select(r => $"{r.Status} {r.IfNoneMatch} {r.IfModifiedSince}")));
        Assert.Equal(5, fetches);
        Assert.Single(_upstream.Requests, r => r.IfNoneMatch is null);
        Assert.All(_upstream.Requests.Skip(1), r => Assert.Equal(304, r.Status));

        var changed = Encoding.UTF8.GetString(_calendar!).Replace("SUMMARY:IndieWebClub #31", "SUMMARY:IndieWebClub #31 (new venue)", StringComparison.Ordinal);
        // README: a change upstream is on every instance within refreshSeconds + 5 s: it is
        // fetched at the next interval, and the other instance hears of it through PostgreSQL.
        await _a.WaitUntilListeningAsync();
        await _b.WaitUntilListeningAsync();
        using var onA = StoreChangeWatch.Start(_a.Host.Services, "club");
        using var onB = StoreChangeWatch.Start(_b.Host.Services, "club");
        _upstream.Set("/club.ics", changed, "text/calendar");
        var refreshed = NextRefreshOnEither();
        _servers.Clock.Advance(TimeSpan.FromSeconds(RefreshSeconds));
        Assert.Equal("200", (await DriveAsync(refreshed, Poll)).LastResult);
        await onA.ElapsedAsync();
        await onB.ElapsedAsync();

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
        foreach (var fault in faults)
        {
            _upstream.Fault = fault;
            // One refresh meets the fault (the clock moves it through timeouts and retries)...
            var refreshed = NextRefreshOnEither();
            _servers.Clock.Advance(TimeSpan.FromSeconds(RefreshSeconds));
            var status = await DriveAsync(refreshed, TimeSpan.FromMilliseconds(500));
            output.WriteLine($"{fault}: {status.LastResult} {status.LastError}; upstream saw {_upstream.Requests.Count} requests so far");

            // ...and neither instance's feed noticed.
            foreach (var instance in new[] { _a, _b })
            {
                using var response = await instance.Client().GetAsync(new Uri(Feeds[0], UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(etag, response.Headers.ETag?.Tag);
            }
        }

        using var source = await _a.AdminClient().GetAsync(new Uri("/admin/events/club/source", UriKind.Relative));
        output.WriteLine(await source.Content.ReadAsStringAsync());
    }
}
