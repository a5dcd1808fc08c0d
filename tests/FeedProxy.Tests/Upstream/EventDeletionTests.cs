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
        using (var put = await host.PutSourceAsync("small", new { kind = "ics", url = host.Upstream.Url("/small.ics").AbsoluteUri, refreshSeconds = 1 }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/small.ics")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15)));
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

        // Three intervals: no fetch, and the event stays gone.
        await Task.Delay(500); // a refresh under way when the delete landed finishes (and is undone)
        var fetches = host.Upstream.Count("/small.ics");
        await Task.Delay(3000);
        Assert.Equal(fetches, host.Upstream.Count("/small.ics"));
        // Deleted, not unknown: 410 Gone tells calendar clients to stop polling (docs/push.md).
        Assert.Equal(HttpStatusCode.Gone, (await host.FeedAsync("/events/small.ics")).Status);
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

        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/small.ics")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15)));
        host.Factory.DeleteEvent("small");
        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/small.ics")).Status == HttpStatusCode.Gone, TimeSpan.FromSeconds(10)));

        Assert.Equal("200", (await host.RefreshAsync("small")).GetProperty("lastResult").GetString());
        Assert.Null(host.Upstream.Requests.Last(r => r.Path == "/small.ics").IfNoneMatch);
        // Created again by the refresh: its tombstone is cleared once the store signals the change.
        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/small.ics")).Status == HttpStatusCode.OK));
    }
}
