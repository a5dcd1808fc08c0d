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

    private PostgresServer _postgres = null!;
    private RedisServer _redis = null!;
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
        _postgres = await PostgresServer.StartAsync();
        _redis = await RedisServer.StartAsync();
        var database = await _postgres.CreateDatabaseAsync();
        _upstream = new UpstreamServer();
        _upstream.Set("/club.ics", _calendar, "text/calendar");
        _a = Instance(database);
        _b = Instance(database);
    }

    private AppInstance Instance(string database)
    {
        var instance = new AppInstance(database, _redis.ConnectionString);
        instance.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = "true";
        instance.Settings["FeedProxy:Upstream:MinRefreshSeconds"] = "1";
        instance.Settings["FeedProxy:Upstream:PollMilliseconds"] = "100";
        instance.Settings["FeedProxy:Upstream:TimeoutSeconds"] = "2";
        instance.Settings["FeedProxy:Upstream:AttemptTimeoutSeconds"] = "1";
        instance.Settings["FeedProxy:Upstream:Retries"] = "1";
        instance.Settings["FeedProxy:Upstream:RetryDelayMilliseconds"] = "50";
        return instance;
    }

    public async Task DisposeAsync()
    {
        if (_calendar is null)
        {
            return;
        }

        _a.Dispose();
        _b.Dispose();
        _upstream.Dispose();
        await _redis.DisposeAsync();
        await _postgres.DisposeAsync();
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
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (await ETagAsync(_a, Feeds[0]) is not null && await ETagAsync(_b, Feeds[0]) is not null)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The source never reached both instances.");
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
        Assert.All(_upstream.Requests.Skip(1), r => Assert.Equal(304, r.Status));

        var changed = Encoding.UTF8.GetString(_calendar!).Replace("SUMMARY:IndieWebClub #31", "SUMMARY:IndieWebClub #31 (new venue)", StringComparison.Ordinal);
        _upstream.Set("/club.ics", changed, "text/calendar");
        var watch = Stopwatch.StartNew();
        var pending = new HashSet<(string, string)>(before.Keys);
        while (pending.Count > 0 && watch.Elapsed < TimeSpan.FromSeconds(RefreshSeconds + 5))
        {
            foreach (var (instance, feed) in pending.ToList())
            {
                var etag = await ETagAsync(instance == "a" ? _a : _b, feed);
                if (etag is not null && etag != before[(instance, feed)])
                {
                    output.WriteLine($"{instance} {feed}: new ETag after {watch.ElapsedMilliseconds} ms");
                    pending.Remove((instance, feed));
                }
            }

            await Task.Delay(100);
        }

        Assert.Empty(pending);
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
