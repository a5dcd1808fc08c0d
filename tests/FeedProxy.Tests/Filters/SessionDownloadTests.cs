using System.Net;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Filters;

public sealed class SessionDownloadTests(FeedProxyFactory factory) : IClassFixture<FeedProxyFactory>
{
    private readonly HttpClient _client = factory.CreatePlainClient();

    [Theory]
    [InlineData("s1")]
    [InlineData("s2")]
    public async Task SessionDownload_HasExactlyOneEventAndNoCalendarName(string sessionId)
    {
        using var response = await _client.GetAsync($"/events/testconf/sessions/{sessionId}.ics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(1, FeedItems.Count("ics", body));
        Assert.Equal([$"{sessionId}-testconf@tests.feedproxy.example"], FeedItems.IcsUids(body));
        // Outlook opens a new, empty calendar for a download that names one.
        Assert.DoesNotContain("X-WR-CALNAME", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("d1")]
    [InlineData("p1")]
    [InlineData("r1")]
    [InlineData("w1")]
    public async Task SessionDownloadOfANonPublicSession_Is404(string sessionId)
    {
        using var response = await _client.GetAsync($"/events/testconf/sessions/{sessionId}.ics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
