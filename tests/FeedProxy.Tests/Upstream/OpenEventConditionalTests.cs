using System.Net;
using System.Text.Json;
using FeedProxy.Testing;
using Xunit.Abstractions;

namespace FeedProxy.Tests.Upstream;

/// <summary>
/// Open Event sources (JSON:API, paged) against the tests' own JSON:API server: when the upstream
/// gives validators, each refresh first asks every request (event, then each sessions page)
/// conditionally; all 304 is "not modified", any 200 a full fetch compared by content.
/// </summary>
public sealed class OpenEventConditionalTests(ITestOutputHelper output)
{
    private static readonly string Event = "/v1/events/" + OpenEventApiSample.Identifier;
    private static readonly string Sessions = Event + "/sessions";

    private static bool IsOpenEvent(UpstreamRequest r) => r.Path == Event || r.Path == Sessions;

    private List<UpstreamRequest> Since(SourceTestHost host, int before)
    {
        var list = host.Upstream.Requests.Where(IsOpenEvent).Skip(before).ToList();
        output.WriteLine(string.Join("\n", list.Select(r => $"{r.Status} {r.Path} If-None-Match={r.IfNoneMatch} If-Modified-Since={r.IfModifiedSince}")));
        output.WriteLine("--");
        return list;
    }

    [Fact]
    public async Task UnchangedPages_Are304s_AChangedPage_IsAFullFetch()
    {
        using var host = new SourceTestHost();
        host.Upstream.ServeOpenEvent = true;
        using (await host.PutSourceAsync("oes", new { kind = "openevent", url = host.Upstream.Url(Event).AbsoluteUri, refreshSeconds = 3600 }))
        {
        }

        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/oes.ics")).Status == HttpStatusCode.OK));
        var first = Since(host, 0);
        var requestsPerRound = first.Count;
        Assert.True(requestsPerRound >= 3, "the event and at least two pages");
        Assert.All(first, r => Assert.Null(r.IfNoneMatch));
        var etag = (await host.FeedAsync("/events/oes.ics")).ETag;

        // Unchanged: one conditional request per page, each answered 304, nothing parsed.
        var before = host.Upstream.Requests.Count(IsOpenEvent);
        Assert.Equal("304", (await host.RefreshAsync("oes")).GetProperty("lastResult").GetString());
        var round = Since(host, before);
        Assert.Equal(requestsPerRound, round.Count);
        Assert.All(round, r =>
        {
            // The server's weak ETags come back as they were given; it sends no Last-Modified.
            Assert.StartsWith("W/\"", r.IfNoneMatch, StringComparison.Ordinal);
            Assert.Null(r.IfModifiedSince);
            Assert.Equal(304, r.Status);
        });
        Assert.Equal(etag, (await host.FeedAsync("/events/oes.ics")).ETag);

        // Only page 2 changes: the conditional round stops at its 200, then one full fetch.
        host.Upstream.OpenEventSuffixPage = 2;
        host.Upstream.OpenEventTitleSuffix = " (moved to the annex)";
        before = host.Upstream.Requests.Count(IsOpenEvent);
        Assert.Equal("200", (await host.RefreshAsync("oes")).GetProperty("lastResult").GetString());
        round = Since(host, before);
        Assert.Equal([304, 304, 200], round.Take(3).Select(r => r.Status));
        Assert.All(round.Take(3), r => Assert.NotNull(r.IfNoneMatch));
        Assert.Equal(requestsPerRound, round.Skip(3).Count());
        Assert.All(round.Skip(3), r => Assert.Equal((null, 200), (r.IfNoneMatch, r.Status)));
        var changed = await host.FeedAsync("/events/oes.ics");
        Assert.NotEqual(etag, changed.ETag);
        Assert.Contains("(moved to the annex)", changed.Body, StringComparison.Ordinal);

        // And conditional again with the new validators.
        before = host.Upstream.Requests.Count(IsOpenEvent);
        Assert.Equal("304", (await host.RefreshAsync("oes")).GetProperty("lastResult").GetString());
        Assert.All(Since(host, before), r => Assert.Equal(304, r.Status));
    }

    [Fact]
    public async Task UpstreamWithoutValidators_IsComparedByContent_NeverSentConditionals()
    {
        using var host = new SourceTestHost();
        host.Upstream.ServeOpenEvent = true;
        host.Upstream.OpenEventValidators = false;
        using (await host.PutSourceAsync("oes", new { kind = "openevent", url = host.Upstream.Url(Event).AbsoluteUri, refreshSeconds = 3600 }))
        {
        }

        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/oes.ics")).Status == HttpStatusCode.OK));
        var status = await host.RefreshAsync("oes");
        Assert.Equal("unchanged", status.GetProperty("lastResult").GetString());
        Assert.False(status.TryGetProperty("eTag", out var etag) && etag.ValueKind != JsonValueKind.Null);
        Assert.All(Since(host, 0), r => Assert.Equal((null, null, 200), (r.IfNoneMatch, r.IfModifiedSince, r.Status)));
    }
}
