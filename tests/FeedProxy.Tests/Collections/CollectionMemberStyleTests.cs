using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Collections;

/// <summary>
/// A member's "prefix" goes before every title of its sessions and its "color" becomes their
/// COLOR (RFC 7986 §5.9, a CSS3 name), in every format that has them; the admin API keeps and
/// validates both.
/// </summary>
public sealed class CollectionMemberStyleTests : IDisposable
{
    private const string Token = "test-admin-token-0123456789";
    private readonly FeedProxyFactory _factory = new();

    public CollectionMemberStyleTests()
    {
        _factory.Settings["FeedProxy:AdminToken"] = Token;
        _factory.WriteCollection("styled", """
        { "name": "Styled", "members": [ { "event": "testconf", "prefix": "[Chess] ", "color": "#1E90FF" } ] }
        """);
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task PrefixAndColor_ReachEveryFormat()
    {
        var client = _factory.CreatePlainClient();
        var ics = await client.GetStringAsync("/collections/styled.ics");
        Assert.Equal(3, Regex.Count(ics, @"SUMMARY:\[Chess\] "));
        Assert.Equal(3, Regex.Count(ics, "COLOR:dodgerblue\r\n"));
        Assert.DoesNotContain("#AA3355", ics, StringComparison.Ordinal);

        Assert.Contains("[Chess] Parsing Calendars Safely", await client.GetStringAsync("/collections/styled.rss"), StringComparison.Ordinal);
        Assert.Contains("[Chess] Parsing Calendars Safely", await client.GetStringAsync("/collections/styled.atom"), StringComparison.Ordinal);
        Assert.Contains("dodgerblue", await client.GetStringAsync("/collections/styled.json"), StringComparison.Ordinal);
        Assert.Contains("dodgerblue", await client.GetStringAsync("/collections/styled.xcs"), StringComparison.Ordinal);

        // The event's own feed is untouched.
        Assert.DoesNotContain("[Chess]", await client.GetStringAsync("/events/testconf.ics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminApi_KeepsAndValidatesPrefixAndColor()
    {
        var client = _factory.CreatePlainClient();
        using (var created = await client.SendAsync(Admin(HttpMethod.Put, "/admin/collections/chess",
            """{ "name": "Chess", "members": [ { "event": "testconf", "prefix": "[Chess] ", "color": "Teal", "filters": { "not.track": ["web"] } } ] }""")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var read = await client.SendAsync(Admin(HttpMethod.Get, "/admin/collections/chess")))
        {
            var json = await read.Content.ReadAsStringAsync();
            Assert.Contains("\"prefix\": \"[Chess] \"", json, StringComparison.Ordinal);
            Assert.Contains("\"color\": \"teal\"", json, StringComparison.Ordinal);
        }

        var ics = await client.GetStringAsync("/collections/chess.ics");
        Assert.Contains("SUMMARY:[Chess] Parsing Calendars Safely", ics, StringComparison.Ordinal);
        Assert.Contains("COLOR:teal", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("After the Clocks Change", ics, StringComparison.Ordinal);

        foreach (var (body, field) in new[]
        {
            ("""{ "name": "x", "members": [ { "event": "testconf", "color": "rgb(1,2,3)" } ] }""", "members[0].color"),
            ("""{ "name": "x", "members": [ { "event": "testconf", "color": "#12345" } ] }""", "members[0].color"),
            ("""{ "name": "x", "members": [ { "event": "testconf", "color": "notacolour" } ] }""", "members[0].color"),
            ("""{ "name": "x", "members": [ { "event": "testconf", "prefix": "line\nbreak" } ] }""", "members[0].prefix"),
            ("""{ "name": "x", "members": [ { "event": "testconf", "prefix": "{{new string('x', 51)}}" } ] }""".Replace("{{new string('x', 51)}}", new string('x', 51), StringComparison.Ordinal), "members[0].prefix"),
        })
        {
            using var rejected = await client.SendAsync(Admin(HttpMethod.Put, "/admin/collections/bad", body));
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
            Assert.Contains(field, await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage Admin(HttpMethod method, string url, string? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }
}
