using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Rendering;
using FeedProxy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// Collection feeds in the shared render pipeline on PostgreSQL and Redis: the last good copy
/// lives in the shared cache (not in one process), and a private collection's URL costs no
/// database read per poll while nothing changes.
/// </summary>
public sealed class CollectionPipelineScenarioTests : TwoInstanceScenario
{
    private async Task PutCollectionAsync(string id, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var put = await A.AdminClient().PutAsync(new Uri($"/admin/collections/{id}", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task ACollectionRenderedByA_IsServedStaleByAnInstanceThatNeverRenderedIt_WhilePostgresIsDown()
    {
        await PutCollectionAsync("everything", """{ "name": "Everything", "members": [ { "event": "scenario" } ] }""");
        using var rendered = await A.Client().GetAsync(new Uri("/collections/everything.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        // The complete feed and its last-good pointer are in Redis once the background work ends.
        await A.Host.Services.GetRequiredService<RenderPipeline>().WhenIdleAsync();
        await B.WaitUntilListeningAsync();

        await Servers.Postgres.StopAsync();
        try
        {
            var b = B.Client();
            for (var i = 0; i < 3; i++)
            {
                using var stale = await b.GetAsync(new Uri("/collections/everything.ics", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
                Assert.Equal(rendered.Headers.ETag, stale.Headers.ETag);
                Assert.Equal(await rendered.Content.ReadAsByteArrayAsync(), await stale.Content.ReadAsByteArrayAsync());
            }

            using var uncached = await b.GetAsync(new Uri("/collections/everything.rss", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
        }
        finally
        {
            await Servers.Postgres.StartAgainAsync();
        }

        // One outage, one line: not one per request that met it.
        Assert.Equal(1, B.Logs.Lines.Count(l => l.Contains("Schedule store failed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task APrivateCollectionsUrl_ReadsNoRowPerPoll_AndARotationThroughAEndsItOnB()
    {
        await PutCollectionAsync("team", """{ "name": "Team", "visibility": "private", "members": [ { "event": "scenario" } ] }""");
        async Task<string> RotateAsync()
        {
            using var rotated = await A.AdminClient().PostAsync(new Uri("/admin/collections/team/token", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            return (await rotated.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("ics").GetString()!;
        }

        var url = await RotateAsync();
        await B.WaitUntilListeningAsync();
        var b = B.Client();

        using var reads = new StatementCounter(Servers.Database, "FROM collections");

        using (var first = await b.GetAsync(new Uri(url, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var before = reads.Count;
        for (var i = 0; i < 20; i++)
        {
            using var poll = await b.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        }

        Assert.Equal(before, reads.Count);

        var rotatedUrl = await RotateAsync();
        // B kept the old token in memory: only the rotation's notification can end the old URL there.
        Assert.True(
            await Eventually.TrueAsync(async () =>
            {
                using var old = await b.GetAsync(new Uri(url, UriKind.Relative));
                return old.StatusCode == HttpStatusCode.NotFound;
            }),
            "the old URL still works on instance B");
        using var current = await b.GetAsync(new Uri(rotatedUrl, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }
}
