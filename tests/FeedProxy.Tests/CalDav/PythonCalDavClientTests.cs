using System.Text.Json;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.CalDav;

/// <summary>
/// Debian's python3-caldav against the application on real Kestrel (file store): discovery
/// from /.well-known/caldav, an initial sync, a time-range query, then a delta after an edit.
/// </summary>
public sealed class PythonCalDavClientTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task DiscoversSyncsQueriesAndGetsExactlyTheChangedAndRemovedSessions()
    {
        _factory.WriteEvent(CalDavSchedule.Id, CalDavSchedule.Json());
        var server = _factory.StartKestrel();
        using var http = new HttpClient { BaseAddress = server };
        var before = await IcsETagAsync(http);

        using var client = CalDavSchedule.StartPythonCalDav(server);
        using var first = JsonDocument.Parse(await client.ReadLineAsync());
        var root = first.RootElement;
        Assert.Contains(CalDavSchedule.Id, root.GetProperty("calendars").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("testconf", root.GetProperty("calendars").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("DAV Conference", root.GetProperty("displayName").GetString());
        var objects = root.GetProperty("objects").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(CalDavSchedule.AllObjects, objects.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Opening", objects["s1-davconf.ics"]);
        // Only an occurrence of the weekly series (its sixth Tuesday) is in the range.
        Assert.Equal(["w1-davconf.ics"], root.GetProperty("range").EnumerateArray().Select(e => e.GetString()));

        // An edit of s1's abstract only (no change-feed kind) and s3 removed; s2 and w1 untouched.
        _factory.WriteEvent(CalDavSchedule.Id, CalDavSchedule.Json(@abstract: "A rewritten abstract.", withClosing: false));
        Assert.True(await Eventually.TrueAsync(async () => await IcsETagAsync(http) != before), "the edit never reached the feed");

        await client.SignalAsync();
        using var second = JsonDocument.Parse(await client.ReadLineAsync());
        var delta = second.RootElement;
        Assert.Equal(["s1-davconf.ics", "s3-davconf.ics"], delta.GetProperty("delta").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["s1-davconf.ics"], delta.GetProperty("updated").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["s3-davconf.ics"], delta.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEqual(root.GetProperty("token").GetString(), delta.GetProperty("token").GetString());
    }

    private static async Task<string?> IcsETagAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri($"/events/{CalDavSchedule.Id}.ics", UriKind.Relative));
        return response.Headers.ETag?.Tag;
    }
}
