using System.Net;
using FeedProxy.Testing;

namespace FeedProxy.Tests.Upstream;

/// <summary>
/// Paging through an Open Event Server while its organiser edits: the tests' server returns
/// sessions as the real one does (no ORDER BY unless <c>sort</c> is given, so an edited row
/// moves to the end), and the refresher asks sorted by id and checks what it read against the
/// server's <c>meta.count</c>.
/// </summary>
public sealed class OpenEventPagingTests
{
    private static readonly string Event = "/v1/events/" + OpenEventApiSample.Identifier;
    private static readonly string Sessions = Event + "/sessions";

    private static int Events(string body) => body.Split("BEGIN:VEVENT").Length - 1;

    private static async Task<SourceTestHost> DeclareAsync(Action<UpstreamServer> arrange, string? path = null)
    {
        var host = new SourceTestHost();
        host.Upstream.ServeOpenEvent = true;
        arrange(host.Upstream);
        _ = host.Factory.Host;
        var first = host.NextRefresh("oes");
        using (var put = await host.PutSourceAsync("oes", new { kind = "openevent", url = host.Upstream.Url(path ?? Event).AbsoluteUri, refreshSeconds = 3600 }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal("200", (await first.WaitAsync(Eventually.Deadline)).LastResult);
        return host;
    }

    [Fact]
    public async Task TheTestServer_LikeTheRealOne_MovesAnEditedRowWhenUnsorted()
    {
        using var upstream = new UpstreamServer { ServeOpenEvent = true };
        using var http = new HttpClient();
        upstream.EditOpenEventSession(1, " (edited)");

        var unsorted = await http.GetStringAsync(upstream.Url(Sessions + "?page%5Bsize%5D=100&page%5Bnumber%5D=2"));
        var sorted = await http.GetStringAsync(upstream.Url(Sessions + "?sort=id&page%5Bsize%5D=100&page%5Bnumber%5D=2"));

        Assert.Contains("Session 1 (accepted) (edited)", unsorted, StringComparison.Ordinal);
        Assert.DoesNotContain("Session 1 (accepted)", sorted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEditBetweenTwoPageReads_LosesNoSession()
    {
        var edited = 0;
        using var host = await DeclareAsync(upstream => upstream.OpenEventPageServed = page =>
        {
            // Session 99 (accepted) is edited once, right after the first page was read.
            if (page == 1 && Interlocked.Exchange(ref edited, 1) == 0)
            {
                upstream.EditOpenEventSession(99, " (room change)");
            }
        });

        var ics = await host.FeedAsync("/events/oes.ics");
        Assert.Equal(OpenEventApiSample.PublicCount(OpenEventApiSample.SessionCount), Events(ics.Body));
        // Sorted pages did not shift, the count agreed: one read of two pages, no second read.
        Assert.Equal(2, host.Upstream.Count(Sessions));

        // The next refresh reads the edit.
        Assert.Equal("200", (await host.RefreshAsync("oes")).GetProperty("lastResult").GetString());
        Assert.Contains("Session 99 (accepted) (room change)", (await host.FeedAsync("/events/oes.ics")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeletionBetweenTwoPageReads_DisagreesWithTheCount_AndTheListIsReadOnceMore()
    {
        var deleted = 0;
        using var host = await DeclareAsync(upstream => upstream.OpenEventPageServed = page =>
        {
            // Session 1 (accepted) is deleted right after the first page, which carried it, was
            // read: page 2 shifts by one and its count says 149 where page 1 said 150.
            if (page == 1 && Interlocked.Exchange(ref deleted, 1) == 0)
            {
                upstream.DeleteOpenEventSession(1);
            }
        });

        var ics = await host.FeedAsync("/events/oes.ics");
        Assert.Equal(4, host.Upstream.Count(Sessions)); // two pages, twice
        Assert.Equal(OpenEventApiSample.PublicCount(OpenEventApiSample.SessionCount) - 1, Events(ics.Body));
        Assert.DoesNotContain("Session 1 (accepted)", ics.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEventUrlWithATrailingSlash_IsAskedForWithout()
    {
        // The server's routes answer 404 to ".../events/{identifier}/".
        using var host = await DeclareAsync(_ => { }, path: Event + "/");

        Assert.Equal(1, host.Upstream.Count(Event));
        Assert.Equal(0, host.Upstream.Count(Event + "/"));
        Assert.Equal(HttpStatusCode.OK, (await host.FeedAsync("/events/oes.ics")).Status);
    }
}
