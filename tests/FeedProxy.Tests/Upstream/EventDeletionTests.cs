using System.Net;
using FeedProxy.Testing;

namespace FeedProxy.Tests.Upstream;

/// <summary>
/// Deleting an event deletes its upstream source with it (embedded store): the source file goes,
/// the refresher stops fetching, and the event does not come back on the next interval.
/// </summary>
public sealed class EventDeletionTests
{
    [Fact]
    public async Task DeleteEvent_DeletesItsSource_AndTheEventStaysDeleted()
    {
        using var host = new SourceTestHost();
        host.Upstream.Set("/small.ics", SmallCalendar.Ics(), "text/calendar");
        var first = host.NextRefresh("small");
        using (var put = await host.PutSourceAsync("small", new { kind = "ics", url = host.Upstream.Url("/small.ics").AbsoluteUri, refreshSeconds = 1 }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // The first refresh has completed: none is under way when the delete lands (the clock stands still).
        await first.WaitAsync(Eventually.Deadline);
        Assert.Equal(HttpStatusCode.OK, (await host.FeedAsync("/events/small.ics")).Status);
        var sourceFile = Path.Combine(host.Factory.EventsPath, "small.source.json");
        Assert.True(File.Exists(sourceFile));

        using (var delete = await host.Admin.DeleteAsync(new Uri("/admin/events/small", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.False(File.Exists(sourceFile));
        Assert.False(File.Exists(Path.Combine(host.Factory.EventsPath, "small.json")));
        using (var get = await host.Admin.GetAsync(new Uri("/admin/events/small/source", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        // Three intervals, each looked at by the refresher: no fetch, and the event stays gone.
        var fetches = host.Upstream.Count("/small.ics");
        for (var interval = 0; interval < 3; interval++)
        {
            await host.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        await host.Upstream.QuietAsync();
        Assert.Equal(fetches, host.Upstream.Count("/small.ics"));
        // Deleted, not unknown: 410 Gone tells calendar clients to stop polling (docs/push.md).
        // The tombstone is written once the store has seen the file go (its watcher).
        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/small.ics")).Status == HttpStatusCode.Gone));
        using (var again = await host.Admin.DeleteAsync(new Uri("/admin/events/small", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
    }

    [Fact]
    public async Task OpenApi_SaysThatDeletingAnEventDeletesItsSource()
    {
        using var host = new SourceTestHost();
        var document = await host.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("Deletes the event with everything in it and its live source", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteEvent_WhoseSourceNeverSucceeded_DeletesTheSource()
    {
        // Declared, but the upstream has nothing yet: there is no event, only the source.
        using var host = new SourceTestHost();
        using (await host.PutSourceAsync("pending", new { kind = "ics", url = host.Upstream.Url("/missing.ics").AbsoluteUri, refreshSeconds = 3600 }))
        {
        }

        using (var delete = await host.Admin.DeleteAsync(new Uri("/admin/events/pending", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.False(File.Exists(Path.Combine(host.Factory.EventsPath, "pending.source.json")));
    }

    [Fact]
    public async Task EventFileDeletedByHand_IsFetchedAgainWithoutValidators()
    {
        // The source stays: its next refresh must not send validators that describe an event
        // that no longer exists (a 304 could never bring it back).
        using var host = new SourceTestHost();
        host.Upstream.Set("/small.ics", SmallCalendar.Ics(), "text/calendar");
        using (await host.PutSourceAsync("small", new { kind = "ics", url = host.Upstream.Url("/small.ics").AbsoluteUri, refreshSeconds = 3600 }))
        {
        }

        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/small.ics")).Status == HttpStatusCode.OK));
        host.Factory.DeleteEvent("small");
        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/small.ics")).Status == HttpStatusCode.Gone));

        Assert.Equal("200", (await host.RefreshAsync("small")).GetProperty("lastResult").GetString());
        Assert.Null(host.Upstream.Requests.Last(r => r.Path == "/small.ics").IfNoneMatch);
        // Created again by the refresh: its tombstone is cleared once the store signals the change.
        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/small.ics")).Status == HttpStatusCode.OK));
    }
}
