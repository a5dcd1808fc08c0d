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
#pragma warning disable CA1001 // disposed in DisposeAsync (IAsyncLifetime)
public sealed class CollectionPipelineScenarioTests : IAsyncLifetime
{
    private ScenarioServers _servers = null!;
    private AppInstance _a = null!;
    private AppInstance _b = null!;

    public async Task InitializeAsync()
    {
        _servers = await ScenarioServers.StartAsync();
        _a = _servers.Instance();
        _b = _servers.Instance();
        using var content = new StringContent(AppInstance.EventJson("Opening Session"), Encoding.UTF8, "application/json");
        using var put = await _a.AdminClient().PutAsync(new Uri("/admin/events/scenario", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private async Task PutCollectionAsync(string id, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var put = await _a.AdminClient().PutAsync(new Uri($"/admin/collections/{id}", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task ACollectionRenderedByA_IsServedStaleByAnInstanceThatNeverRenderedIt_WhilePostgresIsDown()
    {
        await PutCollectionAsync("everything", """{ "name": "Everything", "members": [ { "event": "scenario" } ] }""");
        using var rendered = await _a.Client().GetAsync(new Uri("/collections/everything.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        // The complete feed and its last-good pointer are in Redis once the background work ends.
        await _a.Host.Services.GetRequiredService<RenderPipeline>().WhenIdleAsync();
        await _b.WaitUntilListeningAsync();

        await _servers.Postgres.StopAsync();
        try
        {
            var b = _b.Client();
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
            await _servers.Postgres.StartAgainAsync();
        }

        // One outage, one line: not one per request that met it.
        Assert.Equal(1, _b.Logs.Lines.Count(l => l.Contains("Schedule store failed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task APrivateCollectionsUrl_ReadsNoRowPerPoll_AndARotationThroughAEndsItOnB()
    {
        await PutCollectionAsync("team", """{ "name": "Team", "visibility": "private", "members": [ { "event": "scenario" } ] }""");
        async Task<string> RotateAsync()
        {
            using var rotated = await _a.AdminClient().PostAsync(new Uri("/admin/collections/team/token", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            return (await rotated.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("ics").GetString()!;
        }

        var url = await RotateAsync();
        await _b.WaitUntilListeningAsync();
        var b = _b.Client();

        var databaseName = new Npgsql.NpgsqlConnectionStringBuilder(_servers.Database).Database;
        var reads = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TagObjects.Any(t => t.Value is string text && text.Contains("FROM collections", StringComparison.Ordinal))
                    && activity.TagObjects.Any(t => t.Value is string name && name == databaseName))
                {
                    Interlocked.Increment(ref reads);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using (var first = await b.GetAsync(new Uri(url, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var before = Volatile.Read(ref reads);
        for (var i = 0; i < 20; i++)
        {
            using var poll = await b.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        }

        Assert.Equal(before, Volatile.Read(ref reads));

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
