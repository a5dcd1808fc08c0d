using System.Net;
using System.Text;
using System.Text.Json;
using FeedProxy.Testing;
using Xunit.Abstractions;

namespace FeedProxy.Tests.Upstream;

/// <summary>
/// Live sources against a real upstream HTTP server serving the real files of ../shared/data:
/// refreshed without client requests, conditional GETs, byte-stable normalisation, and faults
/// that never turn a 200 into an error.
/// </summary>
public sealed class LiveSourceTests(ITestOutputHelper output)
{
    private const string Club = "feeds/indiewebclub-blr/events.ics";
    private static readonly string[] Unchanged = ["304", "unchanged"];

    private static byte[]? Real(string relative, ITestOutputHelper output)
    {
        var root = RepositoryPaths.SharedData;
        var path = root is null ? null : Path.Combine(root, relative);
        if (path is null || !File.Exists(path))
        {
            output.WriteLine($"SKIPPED: real data '{relative}' not found under ../shared/data next to the repository. Nothing was checked.");
            return null;
        }

        return File.ReadAllBytes(path);
    }

    private static async Task<string> WaitForFeedAsync(SourceTestHost host, string path)
    {
        var feed = await Eventually.ValueAsync(() => host.FeedAsync(path), f => f.Status == HttpStatusCode.OK);
        Assert.True(feed.Status == HttpStatusCode.OK, $"{path} never answered 200");
        return feed.ETag!;
    }

    [Fact]
    public async Task IcsSource_RefreshedEveryIntervalWithoutRequests_ConditionallyAndVisibleInEveryFormat()
    {
        if (Real(Club, output) is not { } ics)
        {
            return;
        }

        using var host = new SourceTestHost();
        host.Upstream.Set("/club.ics", ics, "text/calendar");
        _ = host.Factory.Host;
        var first = host.NextRefresh("club");
        using (var put = await host.PutSourceAsync("club", new { kind = "ics", url = host.Upstream.Url("/club.ics").AbsoluteUri, refreshSeconds = 1 }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal("200", (await first.WaitAsync(Eventually.Deadline)).LastResult);
        var icsETag = await WaitForFeedAsync(host, "/events/club.ics");
        var campusETag = await WaitForFeedAsync(host, "/events/club.rss?profile=campus");

        // No client requests from here on: each second of the host's clock brings exactly one
        // conditional poll, answered 304.
        for (var interval = 0; interval < 3; interval++)
        {
            Assert.Equal("304", (await host.AdvanceToNextRefreshAsync("club", TimeSpan.FromSeconds(1))).LastResult);
        }

        var requests = host.Upstream.Requests.Where(r => r.Path == "/club.ics").ToList();
        output.WriteLine(string.Join("\n", requests.Select(r => $"{r.Status} If-None-Match={r.IfNoneMatch} If-Modified-Since={r.IfModifiedSince}")));
        Assert.Equal(4, requests.Count);
        Assert.Equal(200, requests[0].Status);
        Assert.Null(requests[0].IfNoneMatch);
        Assert.All(requests.Skip(1), r =>
        {
            Assert.NotNull(r.IfNoneMatch);
            Assert.NotNull(r.IfModifiedSince);
            Assert.Equal(304, r.Status);
        });
        Assert.Equal(icsETag, (await host.FeedAsync("/events/club.ics")).ETag);

        var changed = Encoding.UTF8.GetString(ics).Replace("SUMMARY:IndieWebClub #32", "SUMMARY:IndieWebClub #32 moved upstairs", StringComparison.Ordinal);
        var upstreamETag = (await host.StatusAsync("club")).GetProperty("eTag").GetString();
        host.Upstream.Set("/club.ics", changed, "text/calendar");
        // Still without any feed request: the refresher takes the new version at the next
        // interval by itself (the status shows it); then the feeds follow.
        Assert.Equal("200", (await host.AdvanceToNextRefreshAsync("club", TimeSpan.FromSeconds(1))).LastResult);
        Assert.NotEqual(upstreamETag, (await host.StatusAsync("club")).GetProperty("eTag").GetString());
        var after = await host.FeedAsync("/events/club.ics");
        var campus = await host.FeedAsync("/events/club.rss?profile=campus");
        Assert.NotEqual(icsETag, after.ETag);
        Assert.NotEqual(campusETag, campus.ETag);
        Assert.Contains("moved upstairs", after.Body, StringComparison.Ordinal);
        Assert.Contains("moved upstairs", campus.Body, StringComparison.Ordinal);

        var status = await host.StatusAsync("club");
        Assert.Equal(0, status.GetProperty("failures").GetInt32());
        Assert.NotNull(status.GetProperty("eTag").GetString());
        Assert.NotNull(status.GetProperty("lastChange").GetString());
    }

    [Fact]
    public async Task OverdueSource_IsRefreshedWhenAFeedIsRequested_NotOnlyAtThePoll()
    {
        if (Real(Club, output) is not { } ics)
        {
            return;
        }

        // The loop looks for due sources only once a minute here: only the request can wake it.
        using var host = new SourceTestHost(settings: new() { ["FeedProxy:Upstream:PollMilliseconds"] = "60000" });
        host.Upstream.Set("/club.ics", ics, "text/calendar");
        _ = host.Factory.Host;
        var first = host.NextRefresh("club");
        using (await host.PutSourceAsync("club", new { kind = "ics", url = host.Upstream.Url("/club.ics").AbsoluteUri, refreshSeconds = 1 }))
        {
        }

        Assert.Equal("200", (await first.WaitAsync(Eventually.Deadline)).LastResult);
        // Overdue: past its due time by more than the one second of grace, well before the poll.
        host.Clock.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(1, host.Upstream.Count("/club.ics"));

        var woken = host.NextRefresh("club");
        var served = await host.FeedAsync("/events/club.ics"); // answered with the current version at once
        Assert.Equal(HttpStatusCode.OK, served.Status);
        await woken.WaitAsync(Eventually.Deadline);
        Assert.Equal(2, host.Upstream.Count("/club.ics"));
    }

    [Fact]
    public async Task UpstreamRewritingDtStampOnEveryFetch_NeverChangesOurETag()
    {
        if (Real(Club, output) is not { } ics)
        {
            return;
        }

        using var host = new SourceTestHost();
        host.Upstream.Set("/club.ics", ics, "text/calendar");
        host.Upstream.Fault = UpstreamFault.ChangingDtStamp;
        _ = host.Factory.Host;
        var first = host.NextRefresh("club");
        using (await host.PutSourceAsync("club", new { kind = "ics", url = host.Upstream.Url("/club.ics").AbsoluteUri, refreshSeconds = 1 }))
        {
        }

        await first.WaitAsync(Eventually.Deadline);
        var etag = await WaitForFeedAsync(host, "/events/club.ics");
        var before = host.Upstream.Count("/club.ics");
        for (var interval = 0; interval < 3; interval++)
        {
            Assert.Equal("200", (await host.AdvanceToNextRefreshAsync("club", TimeSpan.FromSeconds(1))).LastResult);
        }

        Assert.Equal(before + 3, host.Upstream.Count("/club.ics"));
        Assert.All(host.Upstream.Requests, r => Assert.Equal(200, r.Status));
        Assert.Equal(etag, (await host.FeedAsync("/events/club.ics")).ETag);
        Assert.Equal("200", (await host.StatusAsync("club")).GetProperty("lastResult").GetString());
    }

    // Timeouts, retry delays and the refresh's cap all wait on the host's clock: the test moves
    // it on while the refresh runs, so a slow machine changes nothing but the pace.
    [Theory]
    [InlineData(UpstreamFault.ServerError)]
    [InlineData(UpstreamFault.Timeout)]
    [InlineData(UpstreamFault.SlowDrip)]
    [InlineData(UpstreamFault.Truncated)]
    [InlineData(UpstreamFault.Garbage)]
    internal async Task Fault_KeepsTheLastGoodSchedule_ReportsTheError_AndRecovers(UpstreamFault fault)
    {
        if (Real(Club, output) is not { } ics)
        {
            return;
        }

        using var host = new SourceTestHost();
        host.Upstream.Set("/club.ics", ics, "text/calendar");
        _ = host.Factory.Host;
        var first = host.NextRefresh("club");
        using (await host.PutSourceAsync("club", new { kind = "ics", url = host.Upstream.Url("/club.ics").AbsoluteUri, refreshSeconds = 3600 }))
        {
        }

        await first.WaitAsync(Eventually.Deadline); // the first refresh is over: the next one meets the fault
        var etag = await WaitForFeedAsync(host, "/events/club.ics");
        host.Upstream.Fault = fault;
        var failed = await host.RefreshDrivenAsync("club", TimeSpan.FromMilliseconds(500));
        output.WriteLine($"{fault}: {failed}");

        Assert.Equal("error", failed.GetProperty("lastResult").GetString());
        Assert.Equal(1, failed.GetProperty("failures").GetInt32());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("lastError").GetString()));
        var during = await host.FeedAsync("/events/club.ics");
        Assert.Equal(HttpStatusCode.OK, during.Status);
        Assert.Equal(etag, during.ETag);

        host.Upstream.Fault = UpstreamFault.None;
        var recovered = await host.RefreshDrivenAsync("club", TimeSpan.FromMilliseconds(500));
        output.WriteLine($"recovered: {recovered}");
        Assert.Contains(recovered.GetProperty("lastResult").GetString(), Unchanged);
        Assert.Equal(0, recovered.GetProperty("failures").GetInt32());
        Assert.Equal(etag, (await host.FeedAsync("/events/club.ics")).ETag);
    }

    [Fact]
    public async Task ScheduleSource_RealFrabXml_ServedAsCampusFeed()
    {
        var root = RepositoryPaths.SharedData;
        if (Real("ccc-31c3-FelixU/schedule.xml", output) is not { } xml)
        {
            return;
        }

        using var host = new SourceTestHost();
        host.Upstream.Set("/fahrplan/schedule.xml", xml, "application/xml");
        using (var put = await host.PutSourceAsync("31c3", new { kind = "schedule", url = host.Upstream.Url("/fahrplan/schedule.xml").AbsoluteUri }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        await WaitForFeedAsync(host, "/events/31c3.rss?profile=campus");
        var ics = await host.FeedAsync("/events/31c3.ics");
        Assert.Equal(138, ics.Body.Split("BEGIN:VEVENT").Length - 1);
        Assert.NotNull(root);
    }

    [Fact]
    public async Task FeedSource_RealSidearmRss_ServedAsCalendar()
    {
        if (Real("feeds/miami-redhawks-sidearm/calendar.rss", output) is not { } rss)
        {
            return;
        }

        using var host = new SourceTestHost();
        host.Upstream.Set("/calendar.rss", rss, "application/rss+xml");
        using (await host.PutSourceAsync("redhawks", new { kind = "feed", url = host.Upstream.Url("/calendar.rss").AbsoluteUri, timeZone = "America/New_York" }))
        {
        }

        await WaitForFeedAsync(host, "/events/redhawks.ics");
        var ics = await host.FeedAsync("/events/redhawks.ics");
        Assert.Equal(141, ics.Body.Split("BEGIN:VEVENT").Length - 1);
    }

    [Fact]
    public async Task OpenEventSource_PagesThroughTheApi_OnlyPublicSessions_NoContactData_ChangesFollow()
    {
        using var host = new SourceTestHost();
        host.Upstream.ServeOpenEvent = true;
        // Without validators: this covers the comparison by content (the conditional round has
        // its own test, OpenEventConditionalTests).
        host.Upstream.OpenEventValidators = false;
        var url = host.Upstream.Url("/v1/events/" + OpenEventApiSample.Identifier).AbsoluteUri;
        using (await host.PutSourceAsync("oes", new { kind = "openevent", url, refreshSeconds = 3600 }))
        {
        }

        await WaitForFeedAsync(host, "/events/oes.ics");
        await host.WaitForRefreshAsync("oes"); // the next refresh is a new one, not the first still finishing
        var ics = await host.FeedAsync("/events/oes.ics");
        Assert.Equal(OpenEventApiSample.PublicCount(OpenEventApiSample.SessionCount), ics.Body.Split("BEGIN:VEVENT").Length - 1);
        Assert.DoesNotContain("@example.org", ics.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("(rejected)", ics.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("(draft)", ics.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Session 8 ", ics.Body, StringComparison.Ordinal);
        Assert.True(host.Upstream.Count("/v1/events/" + OpenEventApiSample.Identifier + "/sessions") >= 2); // paged

        Assert.Equal("unchanged", (await host.RefreshAsync("oes")).GetProperty("lastResult").GetString());
        Assert.Equal(ics.ETag, (await host.FeedAsync("/events/oes.ics")).ETag);

        host.Upstream.OpenEventTitleSuffix = " (room change)";
        Assert.Equal("200", (await host.RefreshAsync("oes")).GetProperty("lastResult").GetString());
        var after = await host.FeedAsync("/events/oes.ics");
        Assert.NotEqual(ics.ETag, after.ETag);
        Assert.Contains("(room change)", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_AreSentToTheSourceOriginOnly_NeverShownByGet()
    {
        using var host = new SourceTestHost();
        host.Upstream.Set("/private.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20270101T100000Z\r\nSUMMARY:Board\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "text/calendar");
        _ = host.Factory.Host;
        var first = host.NextRefresh("board");
        using (await host.PutSourceAsync("board", new { kind = "ics", url = host.Upstream.Url("/private.ics").AbsoluteUri, headers = new Dictionary<string, string> { ["Authorization"] = "Bearer s3cr3t-upstream-token" } }))
        {
        }

        // Over before the source changes below, so the refresh that follows is of the new address.
        await first.WaitAsync(Eventually.Deadline);
        await WaitForFeedAsync(host, "/events/board.ics");
        Assert.Equal("Bearer s3cr3t-upstream-token", host.Upstream.Requests.First(r => r.Path == "/private.ics").Authorization);
        var get = await host.Admin.GetStringAsync(new Uri("/admin/events/board/source", UriKind.Relative));
        Assert.DoesNotContain("s3cr3t", get, StringComparison.Ordinal);
        Assert.Contains("Authorization", get, StringComparison.Ordinal);

        // A PUT without headers keeps them (GET cannot show them to copy); another origin never gets them.
        host.Upstream.Redirect("/moved.ics", host.Upstream.Url("/private.ics").AbsoluteUri.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        var redeclared = host.NextRefresh("board");
        using (await host.PutSourceAsync("board", new { kind = "ics", url = host.Upstream.Url("/moved.ics").AbsoluteUri }))
        {
        }

        var status = await host.DriveAsync(redeclared, SourceTestHost.Poll);
        Assert.True(status.LastResult == "200", $"the refresh of the new address: {status}");
        // The upstream logs each request before it answers: the redirect's target is there.
        var last = host.Upstream.Requests.Where(r => r.Path is "/moved.ics" or "/private.ics").ToList();
        var moved = last.FindIndex(r => r.Path == "/moved.ics");
        Assert.True(moved >= 0 && last.FindLastIndex(r => r.Path == "/private.ics") > moved, "the redirect was not followed");
        Assert.Equal("Bearer s3cr3t-upstream-token", last.Last(r => r.Path == "/moved.ics").Authorization);
        Assert.Null(last.Last(r => r.Path == "/private.ics").Authorization);
    }

    [Fact]
    public async Task SourceFileBesideTheEvents_IsPickedUpAndNotReadAsAnEvent()
    {
        if (Real(Club, output) is not { } ics)
        {
            return;
        }

        using var host = new SourceTestHost();
        host.Upstream.Set("/club.ics", ics, "text/calendar");
        File.WriteAllText(Path.Combine(host.Factory.EventsPath, "club.source.json"), JsonSerializer.Serialize(new { kind = "ics", url = host.Upstream.Url("/club.ics").AbsoluteUri, refreshSeconds = 60 }));

        await WaitForFeedAsync(host, "/events/club.ics");
        Assert.Equal(HttpStatusCode.NotFound, (await host.FeedAsync("/events/club.source.ics")).Status);
        Assert.True(File.Exists(Path.Combine(host.Factory.EventsPath, "club.json")));
    }

    [Theory]
    [InlineData("{\"kind\":\"ics\",\"url\":\"file:///etc/passwd\"}", "url")]
    [InlineData("{\"kind\":\"ics\",\"url\":\"ftp://example.org/x.ics\"}", "url")]
    [InlineData("{\"kind\":\"ics\",\"url\":\"https://user:pw@example.org/x.ics\"}", "url")]
    [InlineData("{\"kind\":\"gopher\",\"url\":\"https://example.org/x.ics\"}", "kind")]
    [InlineData("{\"kind\":\"ics\",\"url\":\"https://example.org/x.ics\",\"refreshSeconds\":0}", "refreshSeconds")]
    [InlineData("{\"kind\":\"ics\",\"url\":\"https://example.org/x.ics\",\"timeZone\":\"Mars/Olympus\"}", "timeZone")]
    [InlineData("{\"kind\":\"ics\",\"url\":\"https://example.org/x.ics\",\"headers\":{\"Host\":\"internal\"}}", "headers['Host']")]
    public async Task InvalidSource_Is400NamingTheField(string json, string field)
    {
        using var host = new SourceTestHost();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Admin.PutAsync(new Uri("/admin/events/x/source", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task WebcalUrl_IsStoredAsHttps_DeleteStopsIt()
    {
        using var host = new SourceTestHost();
        using (var put = await host.PutSourceAsync("w", new { kind = "ics", url = "webcal://calendar.example.org/basic.ics" }))
        {
            var body = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("https://calendar.example.org/basic.ics", body.GetProperty("url").GetString());
            Assert.Equal(300, body.GetProperty("refreshSeconds").GetInt32());
        }

        using (var delete = await host.Admin.DeleteAsync(new Uri("/admin/events/w/source", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var get = await host.Admin.GetAsync(new Uri("/admin/events/w/source", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
