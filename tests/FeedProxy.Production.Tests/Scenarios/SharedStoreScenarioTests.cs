using System.Diagnostics;
using System.Net;
using System.Text;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// Two stateless instances sharing one PostgreSQL and one Redis, as behind a load balancer.
/// Each test gets its own servers: some of them stop PostgreSQL or kill Redis.
/// </summary>
public sealed class SharedStoreScenarioTests(ITestOutputHelper output) : TwoInstanceScenario
{
    private static readonly string[] Formats = ["ics", "xcs", "rss", "atom", "json"];

    private static async Task<string?> ETagAsync(HttpClient client, string format)
    {
        using var response = await client.GetAsync(new Uri($"/events/scenario.{format}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? response.Headers.ETag?.ToString() : $"status {(int)response.StatusCode}";
    }

    /// <summary>
    /// Puts an edit through instance A and returns how long instance B took to have it: from the
    /// start of the PUT to B's store reporting the event changed (raised by PostgreSQL's NOTIFY;
    /// from then on B serves the new version). The acceptance bound is one second for
    /// exactly this; timing it to B's own signal keeps the test's renders, which notice the new
    /// ETags and take hundreds of milliseconds on a loaded machine, out of the measurement.
    /// </summary>
    private async Task<TimeSpan> EditThroughAAndTimeBAsync(string title)
    {
        await B.WaitUntilListeningAsync();
        using var changed = StoreChangeWatch.Start(B.Host.Services, "scenario");
        using (var put = await PutEventAsync(A, title))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var elapsed = await changed.ElapsedAsync();
        output.WriteLine($"instance B had the change {elapsed.TotalMilliseconds:F0} ms after the PUT started");
        return elapsed;
    }

    /// <summary>Every format's ETag moves from <paramref name="before"/> to a new one (not an error status).</summary>
    private static async Task WaitForNewETagsAsync(Func<string, Task<string?>> etagOf, Dictionary<string, string?> before, string where)
    {
        foreach (var format in Formats)
        {
            var etag = await Eventually.ValueAsync(() => etagOf(format), e => e != before[format] && e!.StartsWith('"'));
            Assert.True(etag != before[format] && etag!.StartsWith('"'), $"{where}, {format}: still {etag}");
        }
    }

    [Fact]
    public async Task ChangeThroughInstanceA_ChangesEveryFormatsETagOnInstanceBWithinOneSecond()
    {
        var b = B.Client();
        var before = new Dictionary<string, string?>();
        foreach (var format in Formats)
        {
            before[format] = await ETagAsync(b, format);
            Assert.StartsWith("\"", before[format], StringComparison.Ordinal);
        }

        // The wall-clock bound ("within a second") is CrossInstanceLatencyTests' (category Latency).
        await EditThroughAAndTimeBAsync("Moved Opening Session");
        await WaitForNewETagsAsync(format => ETagAsync(b, format), before, "instance B");
        Assert.Contains("Moved Opening Session", await b.GetStringAsync(new Uri("/events/scenario.ics", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemberChangeThroughInstanceA_ChangesTheCollectionsETagOnInstanceBWithinOneSecond()
    {
        using (var content = new StringContent("""{ "name": "Everything", "members": [ { "event": "scenario" } ] }""", Encoding.UTF8, "application/json"))
        using (var put = await A.AdminClient().PutAsync(new Uri("/admin/collections/everything", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var b = B.Client();
        async Task<string?> CollectionETagAsync(string format)
        {
            using var response = await b.GetAsync(new Uri($"/collections/everything.{format}", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK ? response.Headers.ETag?.ToString() : $"status {(int)response.StatusCode}";
        }

        var before = new Dictionary<string, string?>();
        foreach (var format in Formats)
        {
            before[format] = await CollectionETagAsync(format);
            Assert.StartsWith("\"", before[format], StringComparison.Ordinal);
        }

        // The wall-clock bound ("within a second") is CrossInstanceLatencyTests' (category Latency).
        await EditThroughAAndTimeBAsync("Moved Opening Session");
        await WaitForNewETagsAsync(CollectionETagAsync, before, "collection on instance B");
        Assert.Contains("UID:s1-scenario@scenario.feedproxy.example", await b.GetStringAsync(new Uri("/collections/everything.ics", UriKind.Relative)), StringComparison.Ordinal);

        // The same edit is one item in both change feeds, on the other instance too.
        foreach (var url in new[] { "/events/scenario/changes.rss", "/collections/everything/changes.rss" })
        {
            var rss = System.Xml.Linq.XDocument.Parse(await b.GetStringAsync(new Uri(url, UriKind.Relative)));
            var item = Assert.Single(rss.Descendants("item"));
            Assert.Equal("Retitled: Moved Opening Session (was Opening Session)", item.Element("title")!.Value);
        }

        // Re-sending identical data changes neither the ETag nor the change feed. Then an edit
        // of another event: B hears of changes in the order A made them, so once B has that one
        // it would have had a change from the identical PUT.
        var settled = await CollectionETagAsync("ics");
        using var scenario = StoreChangeWatch.Start(B.Host.Services, "scenario");
        using var sentinel = StoreChangeWatch.Start(B.Host.Services, "sentinel");
        using (var again = await PutEventAsync(A, "Moved Opening Session"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using (var content = new StringContent(AppInstance.EventJson("Sentinel"), Encoding.UTF8, "application/json"))
        using (var other = await A.AdminClient().PutAsync(new Uri("/admin/events/sentinel", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        }

        await sentinel.ElapsedAsync();
        Assert.False(scenario.Seen, "instance B heard of a change of 'scenario' from identical data");
        Assert.Equal(settled, await CollectionETagAsync("ics"));
        Assert.Single(System.Xml.Linq.XDocument.Parse(await b.GetStringAsync(new Uri("/events/scenario/changes.rss", UriKind.Relative))).Descendants("item"));
    }

    [Fact]
    public async Task CollectionPolls_ReadNoRowOnceKnown_AndADefinitionChangeThroughAReachesBWithinOneSecond()
    {
        static StringContent Definition(string name) =>
            new($$"""{ "name": "{{name}}", "members": [ { "event": "scenario" } ] }""", Encoding.UTF8, "application/json");
        using (var content = Definition("Everything"))
        using (var put = await A.AdminClient().PutAsync(new Uri("/admin/collections/everything", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var b = B.Client();
        using var first = await b.GetAsync(new Uri("/collections/everything.ics", UriKind.Relative));
        var etag = first.Headers.ETag!.ToString();
        async Task<HttpResponseMessage> PollAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/collections/everything.ics", UriKind.Relative));
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            return await b.SendAsync(request);
        }

        // Statements that read the collections table, from either instance (both run in this
        // process, as may other tests: only this test's database counts).
        using var reads = new StatementCounter(Servers.Database, "FROM collections");

        // Until B's change listener is connected it keeps nothing in memory (a missed
        // notification would serve stale data), so the first polls may still read the row.
        await B.WaitUntilListeningAsync();
        Assert.True(
            await Eventually.TrueAsync(async () =>
            {
                var seen = reads.Count;
                using var poll = await PollAsync();
                Assert.Equal(HttpStatusCode.NotModified, poll.StatusCode);
                return reads.Count == seen;
            }),
            "polls of instance B kept reading the collection row");

        var before = reads.Count;
        for (var i = 0; i < 20; i++)
        {
            using var poll = await PollAsync();
            Assert.Equal(HttpStatusCode.NotModified, poll.StatusCode);
        }

        Assert.Equal(before, reads.Count);

        using (var content = Definition("Everything Renamed"))
        using (var put = await A.AdminClient().PutAsync(new Uri("/admin/collections/everything", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        // B hears of it through PostgreSQL: polls answer 304 until then, then 200 with the new name.
        var changed = await Eventually.ValueAsync(
            async () =>
            {
                using var response = await PollAsync();
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotModified, $"poll answered {response.StatusCode}");
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
            },
            body => body is not null);
        Assert.NotNull(changed);
        Assert.Contains("X-WR-CALNAME:Everything Renamed", changed, StringComparison.Ordinal);

        // Deleted through A: gone on B too.
        using (var delete = await A.AdminClient().DeleteAsync(new Uri("/admin/collections/everything", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var status = await Eventually.ValueAsync(
            async () =>
            {
                using var response = await b.GetAsync(new Uri("/collections/everything.ics", UriKind.Relative));
                return response.StatusCode;
            },
            s => s == HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task RedisKilledUnderRequests_NoServerErrorsAndRecoveryAfterRestart()
    {
        var clients = new[] { A.Client(), B.Client() };
        foreach (var client in clients)
        {
            foreach (var format in Formats)
            {
                Assert.StartsWith("\"", await ETagAsync(client, format), StringComparison.Ordinal);
            }
        }

        var statuses = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(async worker =>
        {
            var client = clients[worker % 2];
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync(new Uri($"/events/scenario.{Formats[i++ % Formats.Length]}", UriKind.Relative));
                statuses.Enqueue((int)response.StatusCode);
            }
        }).ToArray();

        // Each phase lasts a number of answered requests, not a time, so a busy machine only
        // makes it slower.
        async Task AnsweredAsync(int more)
        {
            var target = statuses.Count + more;
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(statuses.Count >= target)), $"only {statuses.Count} of {target} requests answered");
        }

        await AnsweredAsync(20);
        await Servers.Redis.StopAsync();
        await AnsweredAsync(40);
        // A write while Redis is down must still reach readers on both instances.
        using (var put = await PutEventAsync(A, "Edited While Redis Was Down"))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await AnsweredAsync(40);
        await Servers.Redis.RestartAsync();
        await AnsweredAsync(40);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        output.WriteLine($"{statuses.Count} requests: " + string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}")));
        Assert.DoesNotContain(statuses, s => s >= 500);
        var onB = await Eventually.ValueAsync(() => B.Client().GetStringAsync(new Uri("/events/scenario.ics", UriKind.Relative)), ics => ics.Contains("Edited While Redis Was Down", StringComparison.Ordinal));
        Assert.Contains("Edited While Redis Was Down", onB, StringComparison.Ordinal);

        // Redis is used again by itself: readiness reports Healthy (not Degraded) once
        // reconnected, at the first probe after the break window (on the instances' clock).
        var healthy = await Eventually.TrueAsync(async () =>
        {
            Servers.Clock.Advance(TimeSpan.FromSeconds(5));
            return await A.Client().GetStringAsync(new Uri("/readyz", UriKind.Relative)) == "Healthy";
        });
        Assert.True(healthy, "instance A did not reconnect to Redis:\n" + A.Logs.Tail());
    }

    [Fact]
    public async Task PostgresStopped_CachedFeedsStillServedAndUncachedOnesAre503WithRetryAfter()
    {
        var a = A.Client();
        var warm = new Dictionary<string, string?>();
        foreach (var format in Formats)
        {
            warm[format] = await ETagAsync(a, format);
        }

        await Servers.Postgres.StopAsync();
        try
        {
            foreach (var format in Formats)
            {
                using var response = await a.GetAsync(new Uri($"/events/scenario.{format}", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(warm[format], response.Headers.ETag?.ToString());
            }

            using var uncached = await a.GetAsync(new Uri("/events/scenario.ics?tz=utc", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
            Assert.NotNull(uncached.Headers.RetryAfter);
            Assert.Equal("application/problem+json", uncached.Content.Headers.ContentType?.MediaType);

            using var ready = await a.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            await Servers.Postgres.StartAgainAsync();
        }

        var last = string.Empty;
        // Pooled connections broken by the restart are discarded one failed use at a time.
        var recovered = await Eventually.TrueAsync(
            async () =>
            {
                using var response = await a.GetAsync(new Uri("/events/scenario.ics?tz=utc", UriKind.Relative));
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                return response.StatusCode == HttpStatusCode.OK;
            });

        Assert.True(recovered, "no recovery after PostgreSQL came back: " + last + "\n" + A.Logs.Tail());

        // The outage is logged when it starts and when it ends, not once per request.
        Assert.Equal(1, A.Logs.Lines.Count(l => l.Contains("Schedule store failed", StringComparison.Ordinal)));
        Assert.Equal(1, A.Logs.Lines.Count(l => l.Contains("Schedule store answers again", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AFeedCompressedByInstanceA_IsServedByInstanceBFromRedis_WithoutRenderingOrCompressingAgain()
    {
        var a = A.Client();
        var b = B.Client();
        using var identity = await GetAsync(a, null);
        var body = await identity.Content.ReadAsByteArrayAsync();

        // The first miss answers before the other codings exist; a request for one of them
        // gets it made at the fast level, and the background work caches the best codings
        // in Redis (its end is a signal of A's pipeline, not a clock).
        using (var brotliOnA = await GetAsync(a, "br"))
        {
            Assert.Equal("br", Assert.Single(brotliOnA.Content.Headers.ContentEncoding));
        }

        await A.Host.Services.GetRequiredService<FeedProxy.Rendering.RenderPipeline>().WhenIdleAsync();

        foreach (var coding in new[] { "gzip", "br" })
        {
            using var response = await GetAsync(b, coding);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(coding, Assert.Single(response.Content.Headers.ContentEncoding));
            Assert.Equal(body, Decompress(await response.Content.ReadAsByteArrayAsync(), coding));
        }

        Assert.Contains(A.Logs.Lines, l => l.Contains("Rendered scenario as ICalendar", StringComparison.Ordinal));
        Assert.DoesNotContain(B.Logs.Lines, l => l.Contains("Rendered", StringComparison.Ordinal) || l.Contains("Compress", StringComparison.Ordinal));
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/scenario.ics", UriKind.Relative));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return await client.SendAsync(request);
    }

    private static byte[] Decompress(byte[] body, string coding)
    {
        using var input = new MemoryStream(body);
        using Stream stream = coding == "br"
            ? new System.IO.Compression.BrotliStream(input, System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }
}
