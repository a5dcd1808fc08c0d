using System.Net;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Filters;

/// <summary>
/// A filtered feed holds exactly the matching public sessions, in every format. The test
/// event's public sessions: s1 (Security, Hall A, Talk, en, Zoë, 27 March), s2 (Web
/// Platform, Room 1, Workshop, de, Hana and Zoë, 28 March), s3 (cancelled, Web Platform,
/// Room 1, 28 March, no type).
/// </summary>
public sealed class FilterExactnessTests(FeedProxyFactory factory) : IClassFixture<FeedProxyFactory>
{
    private static readonly string[] Extensions = ["ics", "xcs", "xcs?dialect=pentabarf", "rss", "rss?profile=campus", "atom", "atom?profile=campus", "json"];

    public static TheoryData<string, string, string> Cases()
    {
        var cases = new (string Query, string Ids)[]
        {
            ("", "s1,s2,s3"),
            ("track=security", "s1"),
            ("track=web", "s2,s3"),
            ("track=Web%20Platform", "s2,s3"),
            ("track=web-platform", "s2,s3"),
            ("track=SECURITY&track=web", "s1,s2,s3"),
            ("track=security,web", "s1,s2,s3"),
            ("room=hall-a", "s1"),
            ("room=Room%201", "s2,s3"),
            ("speaker=zoe", "s1,s2"),
            ("speaker=Zo%C3%AB%20%C3%98deg%C3%A5rd", "s1,s2"),
            ("speaker=hana", "s2"),
            ("day=2027-03-27", "s1"),
            ("day=2027-03-28", "s2,s3"),
            ("type=workshop", "s2"),
            ("type=Talk&type=Workshop", "s1,s2"),
            ("lang=de", "s2"),
            ("track=web&type=workshop", "s2"),
            ("track=security&day=2027-03-28", ""),
            ("speaker=zoe&day=2027-03-28&room=room-1", "s2"),
            ("not.track=security", "s2,s3"),
            ("not.track=Web%20Platform", "s1"),
            ("not.track=security,web", ""),
            ("not.room=room-1", "s1"),
            ("not.speaker=hana", "s1,s3"),
            ("not.day=2027-03-27", "s2,s3"),
            ("not.type=workshop", "s1,s3"),
            ("not.lang=de", "s1,s3"),
            ("day=2027-03-28&not.track=web", ""),
            ("day=2027-03-28&not.type=workshop", "s3"),
            ("speaker=zoe&not.speaker=hana", "s1"),
            ("q=parsing", "s1"),
            ("q=SAFELY%20calendars", "s1"),
            ("q=pars", ""),
            ("q=zoe", "s1,s2"),
            ("q=Odegard", "s1,s2"),
            ("q=%E8%8A%B1%E5%AD%90", "s2"),
            ("q=room", "s2,s3"),
            ("q=line%20two", "s1"),
            ("q=session", "s3"),
            ("q=secret", ""),
            ("q=zoe&not.lang=de", "s1"),
            ("q=zoe&day=2027-03-28", "s2"),
        };
        var data = new TheoryData<string, string, string>();
        foreach (var extension in Extensions)
        {
            foreach (var (query, ids) in cases)
            {
                data.Add(extension, query, ids);
            }
        }

        return data;
    }

    private readonly HttpClient _client = factory.CreatePlainClient();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FilteredFeed_HoldsExactlyTheMatchingSessions(string extension, string query, string ids)
    {
        var url = Url(extension, query);
        using var response = await _client.GetAsync(url);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} -> {(int)response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync();
        var expected = ids.Length == 0 ? [] : ids.Split(',');
        Assert.Equal(expected.Length, FeedItems.Count(extension.Split('?')[0], body));
        if (extension == "ics")
        {
            Assert.Equal(expected.Select(id => $"{id}-testconf@tests.feedproxy.example").Order(), FeedItems.IcsUids(body).Order());
        }

        foreach (var secret in new[] { "Secret Draft", "Secret Pending", "Secret Rejected", "Secret Withdrawn", TestEvents.SecretEmail })
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("track", "nosuchtrack")]
    [InlineData("room", "nosuchroom")]
    [InlineData("speaker", "nosuchspeaker")]
    [InlineData("type", "nosuchtype")]
    [InlineData("day", "not-a-day")]
    [InlineData("not.track", "nosuchtrack")]
    [InlineData("not.room", "nosuchroom")]
    [InlineData("not.speaker", "nosuchspeaker")]
    [InlineData("not.day", "2031-01-01")]
    [InlineData("not.lang", "xx")]
    public async Task UnknownFilterValue_Is400NamingIt(string name, string value)
    {
        foreach (var extension in new[] { "ics", "xcs", "rss", "atom", "json" })
        {
            using var response = await _client.GetAsync($"/events/testconf.{extension}?track=security&{name}={value}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains(value, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("q=%21%21%21")]
    [InlineData("q=a&q=b")]
    [InlineData("not.track=Secret%20Draft%20Session")]
    public async Task InvalidSearchOrExclusion_Is400NamingTheParameter(string query)
    {
        using var response = await _client.GetAsync($"/events/testconf.ics?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(query.Split('=')[0], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExclusionAndSearch_AreExactlyTheComplementAndSubset()
    {
        var all = FeedItems.IcsUids(await _client.GetStringAsync("/events/testconf.ics")).ToHashSet();
        foreach (var (name, value) in new[] { ("track", "web"), ("room", "hall-a"), ("speaker", "zoe"), ("day", "2027-03-28"), ("lang", "en") })
        {
            var kept = FeedItems.IcsUids(await _client.GetStringAsync($"/events/testconf.ics?{name}={value}")).ToHashSet();
            var excluded = FeedItems.IcsUids(await _client.GetStringAsync($"/events/testconf.ics?not.{name}={value}")).ToHashSet();
            Assert.Empty(kept.Intersect(excluded));
            Assert.Equal(all.Order(), kept.Union(excluded).Order());
        }

        var found = FeedItems.IcsUids(await _client.GetStringAsync("/events/testconf.ics?q=zoe")).ToHashSet();
        Assert.Subset(all, found);
    }

    [Fact]
    public async Task CombinedFilters_NeverReachNonPublicSessions()
    {
        // Resolving a name must not open a way around the selection rules.
        var body = await _client.GetStringAsync("/events/testconf.ics?track=security&day=2027-03-27&type=talk");

        Assert.Single(FeedItems.IcsUids(body));
        Assert.DoesNotContain("Secret", body, StringComparison.Ordinal);
    }

    private static string Url(string extension, string query)
    {
        var parts = extension.Split('?');
        var queries = new[] { parts.Length > 1 ? parts[1] : null, query }.Where(q => !string.IsNullOrEmpty(q));
        var joined = string.Join('&', queries);
        return $"/events/testconf.{parts[0]}" + (joined.Length > 0 ? "?" + joined : string.Empty);
    }
}
