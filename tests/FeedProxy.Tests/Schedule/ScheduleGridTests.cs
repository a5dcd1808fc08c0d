using System.Net;
using System.Text.RegularExpressions;
using FeedProxy.Tests.Pages;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Schedule;

/// <summary>
/// The schedule grid and its embed over the test event (s1 27 March in Hall A; s2 and the
/// cancelled s3 28 March in Room 1): every public session of the day in its room's column,
/// nothing private, filters and q applied, framing allowed on the embed only.
/// </summary>
public sealed class ScheduleGridTests : IClassFixture<FeedProxyFactory>
{
    private readonly HttpClient _client;
    private readonly FeedProxyFactory _factory;

    public ScheduleGridTests(FeedProxyFactory factory)
    {
        _factory = factory;
        factory.WriteEvent("hidden", TestEvents.Conference("hidden", visibility: "private"));
        factory.WriteEvent("draft", TestEvents.Conference("draft", published: false));
        factory.WriteCollection("gridpair", """{ "name": "Grid Pair", "members": [ { "event": "testconf", "prefix": "[T] ", "color": "orange" } ] }""");
        _client = factory.CreatePlainClient();
    }

    [Fact]
    public async Task Grid_PutsEveryPublicSessionOfTheDayInItsRoomsColumn()
    {
        using var response = await _client.GetAsync("/events/testconf/schedule?day=2027-03-28");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var room = Regex.Match(html, "<section class=\"room\" aria-labelledby=\"room-\\d\"><h2[^>]*>Room 1</h2>(.*?)</section>", RegexOptions.Singleline);
        Assert.True(room.Success, "no Room 1 column");
        Assert.Contains("After the Clocks Change", room.Groups[1].Value, StringComparison.Ordinal);
        Assert.Contains("class=\"s cancelled\"", room.Groups[1].Value, StringComparison.Ordinal);
        Assert.DoesNotContain("Parsing Calendars Safely", room.Groups[1].Value, StringComparison.Ordinal);
        Assert.Contains("2 sessions on Sunday 28 March 2027", html, StringComparison.Ordinal);
        Assert.Contains("href=\"http://localhost/events/testconf/sessions/s2.ics\"", html, StringComparison.Ordinal);
        foreach (var secret in new[] { "Secret", TestEvents.SecretEmail })
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Grid_DefaultsToTheFirstDay_AndOffersEveryDay()
    {
        var html = await _client.GetStringAsync("/events/testconf/schedule");

        Assert.Contains("Parsing Calendars Safely", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/events/testconf/schedule?day=2027-03-28\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\"><time datetime=\"2027-03-27\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?day=2027-03-28&q=clocks", "After the Clocks Change", "Cancelled Session")]
    [InlineData("?day=2027-03-28&not.type=workshop", "Cancelled Session", "After the Clocks Change")]
    [InlineData("?day=2027-03-28&track=web&q=cancelled", "Cancelled Session", "After the Clocks Change")]
    public async Task FiltersAndSearch_Apply(string query, string shown, string hidden)
    {
        var html = await _client.GetStringAsync("/events/testconf/schedule" + query);
        var grid = html[html.IndexOf("id=\"grid\"", StringComparison.Ordinal)..];

        Assert.Contains(shown, grid, StringComparison.Ordinal);
        Assert.DoesNotContain(hidden, grid, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?theme=blue", "'theme'")]
    [InlineData("?accent=javascript:alert(1)", "'accent'")]
    [InlineData("?accent=%22%3E%3Cscript%3E", "'accent'")]
    [InlineData("?day=2031-01-01", "'day'")]
    [InlineData("?day=tomorrow", "'day'")]
    [InlineData("?q=%21%21", "'q'")]
    [InlineData("?not.track=nosuch", "'not.track'")]
    public async Task BadQuery_Is400NamingTheParameter(string query, string name)
    {
        using var response = await _client.GetAsync("/events/testconf/embed" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_MayBeFramedByAnySite_TheGridAndTheSubscribePageMayNot()
    {
        using var embed = await _client.GetAsync("/events/testconf/embed?theme=dark&accent=teal");
        using var grid = await _client.GetAsync("/events/testconf/schedule");
        using var page = await _client.GetAsBrowserAsync("/events/testconf");

        Assert.False(embed.Headers.Contains("X-Frame-Options"));
        Assert.Contains("frame-ancestors *", string.Join(' ', embed.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        var html = await embed.Content.ReadAsStringAsync();
        Assert.Contains("data-theme=\"dark\"", html, StringComparison.Ordinal);
        Assert.Contains("--accent:#008080;--on-accent:#FFFFFF", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Embed this schedule", html, StringComparison.Ordinal);

        foreach (var refused in new[] { grid, page })
        {
            Assert.Equal("DENY", string.Join(' ', refused.Headers.GetValues("X-Frame-Options")));
            Assert.Contains("frame-ancestors 'none'", string.Join(' ', refused.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }

        Assert.Contains("&lt;iframe src=&quot;http://localhost/events/testconf/embed&quot;", await grid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grid_AnswersRevalidationWith304()
    {
        using var first = await _client.GetAsync("/events/testconf/schedule?day=2027-03-28");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/testconf/schedule?day=2027-03-28");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Theory]
    [InlineData("/events/nosuchevent/schedule")]
    [InlineData("/events/hidden/schedule")]
    [InlineData("/events/draft/embed")]
    [InlineData("/collections/nosuch/embed")]
    public async Task MissingPrivateOrUnpublished_Is404(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CollectionGrid_ShowsMembersWithPrefixAndColour()
    {
        var html = await _client.GetStringAsync("/collections/gridpair/schedule?day=2027-03-28&q=clocks");

        Assert.Contains("[T] After the Clocks Change", html, StringComparison.Ordinal);
        Assert.Contains("--c:#FFA500", html, StringComparison.Ordinal);
        Assert.DoesNotContain("[T] Cancelled Session", html[html.IndexOf("id=\"grid\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CachedGrid_FollowsAChangeOfTheSchedule()
    {
        _factory.WriteEvent("gridlive", TestEvents.Conference("gridlive", title: "First Title"));
        await _factory.WaitForReloadAsync();
        Assert.Contains("First Title", await _client.GetStringAsync("/events/gridlive/schedule?day=2027-03-27"), StringComparison.Ordinal);
        Assert.Contains("First Title", await _client.GetStringAsync("/events/gridlive/schedule?day=2027-03-27"), StringComparison.Ordinal);

        _factory.WriteEvent("gridlive", TestEvents.Conference("gridlive", title: "Second Title"));
        await _factory.WaitForReloadAsync();

        var html = await _client.GetStringAsync("/events/gridlive/schedule?day=2027-03-27");
        Assert.Contains("Second Title", html, StringComparison.Ordinal);
        Assert.DoesNotContain("First Title", html, StringComparison.Ordinal);
    }
}
