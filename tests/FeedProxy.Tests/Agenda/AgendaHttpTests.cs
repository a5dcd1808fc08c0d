using System.Net;
using System.Text.RegularExpressions;
using FeedProxy.Testing;
using FeedProxy.Tests.Filters;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Agenda;

public sealed partial class AgendaHttpTests(FeedProxyFactory factory) : IClassFixture<FeedProxyFactory>
{
    private readonly HttpClient _client = factory.CreatePlainClient();

    [Fact]
    public async Task AgendaChosenOnThePage_ServesExactlyThoseSessionsInEveryFormat()
    {
        var code = await CreateAgendaAsync("s1", "s3");

        foreach (var extension in new[] { "ics", "xcs", "rss", "atom", "json" })
        {
            using var response = await _client.GetAsync($"/events/testconf/agenda/{code}.{extension}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{extension}: {(int)response.StatusCode}");
            Assert.Equal(2, FeedItems.Count(extension, await response.Content.ReadAsStringAsync()));
        }

        var ics = await _client.GetStringAsync($"/events/testconf/agenda/{code}.ics");
        Assert.Equal(["s1-testconf@tests.feedproxy.example", "s3-testconf@tests.feedproxy.example"], FeedItems.IcsUids(ics).Order());
    }

    [Fact]
    public async Task AgendaPage_IgnoresSessionsThePageDoesNotList()
    {
        // Drafts and unknown ids cannot be smuggled into an agenda through the form.
        var code = await CreateAgendaAsync("s2", "d1", "nosuch");

        var ics = await _client.GetStringAsync($"/events/testconf/agenda/{code}.ics");
        Assert.Equal(["s2-testconf@tests.feedproxy.example"], FeedItems.IcsUids(ics));
        Assert.DoesNotContain("Secret", ics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgendaUrl_AcceptsFiltersAndOptionsLikeAnyFeed()
    {
        var code = await CreateAgendaAsync("s1", "s2");

        var utc = await _client.GetStringAsync($"/events/testconf/agenda/{code}.ics?tz=utc&day=2027-03-28");
        Assert.Equal(["s2-testconf@tests.feedproxy.example"], FeedItems.IcsUids(utc));
        Assert.DoesNotContain("BEGIN:VTIMEZONE", utc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TamperedForgedOrTruncatedCode_Is404()
    {
        var code = await CreateAgendaAsync("s1");
        var flipped = code[..^1] + (code[^1] == 'A' ? 'B' : 'A');
        string[] bad = [flipped, code[..^2], code[1..], "AQJzMQ", "x", code + "x", code.ToUpperInvariant()];

        foreach (var c in bad.Where(c => c != code))
        {
            using var response = await _client.GetAsync($"/events/testconf/agenda/{c}.ics");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{c} -> {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        using var otherEvent = await _client.GetAsync($"/events/otherconf/agenda/{code}.ics");
        Assert.Equal(HttpStatusCode.NotFound, otherEvent.StatusCode);
        using var noExtension = await _client.GetAsync($"/events/testconf/agenda/{code}");
        Assert.Equal(HttpStatusCode.NotFound, noExtension.StatusCode);
    }

    [Fact]
    public async Task SessionRemovedLater_SimplyDisappearsFromTheAgenda()
    {
        using var local = new FeedProxyFactory();
        var client = local.CreatePlainClient();
        var page = await GetPageAsync(client, "/events/testconf?session=s1&session=s2");
        var code = AgendaCode().Match(page).Groups[1].Value;
        Assert.Equal(2, FeedItems.Count("ics", await client.GetStringAsync($"/events/testconf/agenda/{code}.ics")));

        local.WriteEvent("testconf", TestEvents.Conference().Replace("\"id\": \"s2\"", "\"id\": \"s2-renamed\"", StringComparison.Ordinal));
        var ics = await Eventually.ValueAsync(() => client.GetStringAsync($"/events/testconf/agenda/{code}.ics"), body => FeedItems.Count("ics", body) == 1);

        Assert.Equal(["s1-testconf@tests.feedproxy.example"], FeedItems.IcsUids(ics));
    }

    [Fact]
    public async Task AgendaCodes_SurviveARestart_WithTheGeneratedKeyInTheStatePath()
    {
        using var first = new FeedProxyFactory();
        var page = await GetPageAsync(first.CreatePlainClient(), "/events/testconf?session=s1");
        var code = AgendaCode().Match(page).Groups[1].Value;
        var state = Path.Combine(first.Root, "state");
        Assert.True(File.Exists(Path.Combine(state, "agenda-secret")));

        using var second = new FeedProxyFactory();
        second.Settings["FeedProxy:StatePath"] = state;
        using var response = await second.CreatePlainClient().GetAsync($"/events/testconf/agenda/{code}.ics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var third = new FeedProxyFactory();
        using var otherKey = await third.CreatePlainClient().GetAsync($"/events/testconf/agenda/{code}.ics");
        Assert.Equal(HttpStatusCode.NotFound, otherKey.StatusCode);
    }

    [Fact]
    public async Task ConfiguredSecret_IsSharedBetweenInstances()
    {
        using var a = new FeedProxyFactory();
        using var b = new FeedProxyFactory();
        a.Settings["FeedProxy:AgendaSecret"] = "a shared secret for the test";
        b.Settings["FeedProxy:AgendaSecret"] = "a shared secret for the test";
        var code = AgendaCode().Match(await GetPageAsync(a.CreatePlainClient(), "/events/testconf?session=s1")).Groups[1].Value;

        using var response = await b.CreatePlainClient().GetAsync($"/events/testconf/agenda/{code}.ics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> CreateAgendaAsync(params string[] sessionIds)
    {
        var page = await GetPageAsync(_client, "/events/testconf?" + string.Join('&', sessionIds.Select(id => "session=" + id)));
        var match = AgendaCode().Match(page);
        Assert.True(match.Success, "the page shows the agenda URL");
        return match.Groups[1].Value;
    }

    private static async Task<string> GetPageAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("/events/testconf/agenda/([A-Za-z0-9_-]+)\\.ics")]
    private static partial Regex AgendaCode();
}
