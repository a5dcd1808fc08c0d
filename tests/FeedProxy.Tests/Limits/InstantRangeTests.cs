using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Limits;

/// <summary>Instants at the calendar's ends and ids with trailing newlines: 400, never 500, on every write path of the file store.</summary>
public sealed class InstantRangeTests : IDisposable
{
    private const string Token = "range-admin-token";
    private readonly FeedProxyFactory _factory = new();

    public InstantRangeTests() => _factory.Settings["FeedProxy:AdminToken"] = Token;

    public void Dispose() => _factory.Dispose();

    public static TheoryData<string> Sessions() => new()
    {
        """{ "title": "x", "start": "0000-01-01T00:00:00Z", "end": "0000-01-01T01:00:00Z" }""",
        """{ "title": "x", "start": "0001-01-01T00:00:00Z", "end": "0001-01-01T01:00:00Z" }""",
        """{ "title": "x", "start": "9999-12-31T23:00:00", "end": "9999-12-31T23:59:00" }""",
        """{ "title": "x", "start": "9999-12-31T23:00:00+14:00", "end": "9999-12-31T23:59:00+14:00" }""",
        """{ "title": "x", "start": "2027-03-27T10:00:00Z", "duration": "P99999999D" }""",
        """{ "title": "x", "start": "2027-03-27T10:00:00Z", "duration": "P9999999D" }""",
        """{ "title": "x", "start": "2027-03-27T10:00:00Z", "duration": "99999999:00" }""",
        """{ "title": "x", "start": "2027-03-27T10:00:00Z", "end": "2027-03-27T11:00:00Z", "lastModified": "9999-12-31T23:59:59-12:00" }""",
    };

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string json)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _factory.CreatePlainClient().SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task SessionAtTheCalendarsEnds_Is400_AndTheEventStillServes(string session)
    {
        // Kiritimati (UTC+14) makes 9999-12-31 local overflow the instant range.
        var zoned = TestEvents.Conference(id: "edge").Replace("Europe/Berlin", "Pacific/Kiritimati", StringComparison.Ordinal);
        using (var created = await SendAsync(HttpMethod.Put, "/admin/events/edge", zoned))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var put = await SendAsync(HttpMethod.Put, "/admin/events/edge/sessions/n1", session))
        {
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
            Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        }

        using var feed = await _factory.CreatePlainClient().GetAsync(new Uri("/events/edge.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        using var list = await SendAsync(HttpMethod.Get, "/admin/events", "{}");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Theory]
    [InlineData("/events/testconf%0A.ics")]
    [InlineData("/events/testconf%0A/sessions/s1.ics")]
    [InlineData("/events/testconf/sessions/s1%0A.ics")]
    public async Task IdWithTrailingNewline_Is400(string url)
    {
        using var response = await _factory.CreatePlainClient().GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
