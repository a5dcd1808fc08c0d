using System.Net;
using System.Text;
using System.Text.Json;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;
using Npgsql;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// On PostgreSQL, deleting an event deletes its row in event_sources in the same statement: the
/// refresher stops fetching and the event is not re-created on the next interval.
/// </summary>
[Collection(UsesServers.Name)]
public sealed class EventDeletionScenarioTests(ServersFixture servers)
{
    [Fact]
    public async Task DeleteEvent_DeletesItsSourceRow_AndTheEventStaysDeleted()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        using var upstream = new UpstreamServer();
        upstream.Set("/small.ics", SmallCalendar.Ics(), "text/calendar");
        using var app = new AppInstance(database, servers.Redis.ConnectionString);
        app.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = "true";
        app.Settings["FeedProxy:Upstream:MinRefreshSeconds"] = "1";
        app.Settings["FeedProxy:Upstream:PollMilliseconds"] = "100";
        using var admin = app.AdminClient();
        var first = RefreshSignal.Next("small", app.Host.Services);
        using (var content = new StringContent(JsonSerializer.Serialize(new { kind = "ics", url = upstream.Url("/small.ics").AbsoluteUri, refreshSeconds = 1 }), Encoding.UTF8, "application/json"))
        using (var put = await admin.PutAsync(new Uri("/admin/events/small/source", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var client = app.Client();
        // The first refresh has completed: none is under way when the delete lands (the clock stands still).
        await first.WaitAsync(Eventually.Deadline);
        Assert.True(await Eventually.TrueAsync(async () => (await client.GetAsync(new Uri("/events/small.ics", UriKind.Relative))).StatusCode == HttpStatusCode.OK));

        using (var delete = await admin.DeleteAsync(new Uri("/admin/events/small", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await using (var dataSource = NpgsqlDataSource.Create(database))
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM event_sources WHERE event_id = 'small'"))
        {
            Assert.Equal(0L, await count.ExecuteScalarAsync());
        }

        // Three intervals, each looked at by the refresher: no fetch, and the event stays gone.
        var fetches = upstream.Count("/small.ics");
        for (var interval = 0; interval < 3; interval++)
        {
            await app.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        await upstream.QuietAsync();
        Assert.Equal(fetches, upstream.Count("/small.ics"));
        using var after = await client.GetAsync(new Uri("/events/small.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, after.StatusCode);
        using var source = await admin.GetAsync(new Uri("/admin/events/small/source", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, source.StatusCode);
    }
}
