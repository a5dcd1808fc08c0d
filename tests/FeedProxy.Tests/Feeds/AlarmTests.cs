using System.Net;
using System.Text.RegularExpressions;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Feeds;

/// <summary>
/// <c>?alarm=</c> adds one VALARM per reminder to every VEVENT not cancelled (RFC 5545
/// §3.6.6), in iCalendar, xCal and jCal; the option is part of the representation (its own
/// cache entry and ETag); anything else is a 400 naming the parameter.
/// </summary>
public sealed class AlarmTests(FeedProxyFactory factory) : IClassFixture<FeedProxyFactory>
{
    private readonly HttpClient _client = factory.CreatePlainClient();

    [Fact]
    public async Task OneReminder_IsADisplayAlarmOnEverySessionNotCancelled()
    {
        var body = await _client.GetStringAsync("/events/testconf.ics?alarm=-PT15M");

        // s1 and s2; s3 is cancelled and reminds nobody.
        Assert.Equal(2, Regex.Count(body, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:[^\r]+\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"));
        Assert.Contains("DESCRIPTION:Parsing Calendars Safely\r\nTRIGGER:-PT15M", body, StringComparison.Ordinal);
        var cancelled = body[body.IndexOf("UID:s3-", StringComparison.Ordinal)..];
        Assert.DoesNotContain("VALARM", cancelled[..cancelled.IndexOf("END:VEVENT", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alarm=-PT10M&alarm=-PT1H", 4)]
    [InlineData("alarm=-PT1H,-PT10M", 4)]
    [InlineData("alarm=-pt10m,-PT10M", 2)]
    [InlineData("alarm=-P1D,-PT1H,-PT10M", 6)]
    [InlineData("alarm=-P1W", 2)]
    [InlineData("alarm=PT0S", 2)]
    public async Task Reminders_AreDistinctAndCounted(string query, int alarms)
    {
        var body = await _client.GetStringAsync($"/events/testconf.ics?{query}");

        Assert.Equal(alarms, Regex.Count(body, "BEGIN:VALARM"));
    }

    [Fact]
    public async Task Reminders_ReachXCalAndJCal()
    {
        var xcal = await _client.GetStringAsync("/events/testconf.xcs?alarm=-PT1H");
        var jcal = await _client.GetStringAsync("/events/testconf.json?alarm=-PT1H");

        Assert.Equal(2, Regex.Count(xcal, "<valarm>"));
        Assert.Contains("<trigger><duration>-PT1H</duration></trigger>", Regex.Replace(xcal, @">\s+<", "><"), StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(jcal, "\"valarm\""));
        Assert.Contains("[\"trigger\",{},\"duration\",\"-PT1H\"]", jcal.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task None_IsThePlainFeed_AndAlarmsAreTheirOwnRepresentation()
    {
        using var plain = await _client.GetAsync("/events/testconf.ics");
        using var none = await _client.GetAsync("/events/testconf.ics?alarm=none");
        using var reminded = await _client.GetAsync("/events/testconf.ics?alarm=-PT15M");

        Assert.Equal(await plain.Content.ReadAsStringAsync(), await none.Content.ReadAsStringAsync());
        Assert.Equal(plain.Headers.ETag, none.Headers.ETag);
        Assert.NotEqual(plain.Headers.ETag, reminded.Headers.ETag);
        Assert.DoesNotContain("VALARM", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SingleSessionDownload_CarriesTheReminder()
    {
        var body = await _client.GetStringAsync("/events/testconf/sessions/s1.ics?alarm=-PT5M");

        Assert.Single(Regex.Matches(body, "TRIGGER:-PT5M"));
    }

    [Theory]
    [InlineData("ics?alarm=15")]
    [InlineData("ics?alarm=-PT")]
    [InlineData("ics?alarm=P")]
    [InlineData("ics?alarm=-P5W")]
    [InlineData("ics?alarm=-PT1H30S5M")]
    [InlineData("ics?alarm=-PT1M,-PT2M,-PT3M,-PT4M")]
    [InlineData("ics?alarm=none,-PT5M")]
    [InlineData("rss?alarm=-PT5M")]
    [InlineData("atom?alarm=-PT5M")]
    [InlineData("xcs?dialect=pentabarf&alarm=-PT5M")]
    public async Task InvalidReminder_Is400NamingTheParameter(string file)
    {
        using var response = await _client.GetAsync($"/events/testconf.{file}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("'alarm'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
