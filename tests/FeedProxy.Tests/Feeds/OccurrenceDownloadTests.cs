using System.Globalization;
using System.Net;
using FeedProxy.Tests.Support;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Tests.Feeds;

/// <summary>
/// <c>/events/{id}/sessions/{sid}.ics?occurrence=…</c>: one occurrence of a recurring session as a
/// plain VEVENT of its own (no RRULE, no RECURRENCE-ID, its own UID), 404 for a start the series
/// does not have, 400 for a malformed selector; the page's per-occurrence buttons use it.
/// </summary>
public sealed class OccurrenceDownloadTests : IDisposable
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private readonly FeedProxyFactory _factory = new();
    private readonly HttpClient _client;
    private readonly DateOnly _firstTuesday;

    public OccurrenceDownloadTests()
    {
        // Two weeks ago, on a Tuesday: the page lists coming occurrences.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        _firstTuesday = today.AddDays(-14 - (((int)today.DayOfWeek - (int)DayOfWeek.Tuesday + 7) % 7));
        _factory.WriteEvent("club", $$"""
            { "name": "Club", "timeZone": "Europe/Berlin", "lastModified": "2026-01-01T00:00:00Z",
              "sessions": [
                { "id": "weekly", "title": "Club evening", "start": "{{Day(0)}}T19:00:00", "end": "{{Day(0)}}T21:00:00",
                  "recurrence": { "rules": ["FREQ=WEEKLY;COUNT=20"], "exceptionDates": ["{{Day(5)}}T19:00:00"],
                    "overrides": [ { "recurrenceId": "{{Day(4)}}T19:00:00", "title": "Club evening (guest talk)", "start": "{{Day(4)}}T20:00:00" } ] } },
                { "id": "once", "title": "Founding meeting", "start": "{{Day(3)}}T18:00:00", "end": "{{Day(3)}}T19:00:00" } ] }
            """);
        _client = _factory.CreatePlainClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private string Day(int week) => _firstTuesday.AddDays(7 * week).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string Key(int week, int hour = 19) =>
        InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'").Format(
            LocalDate.FromDateOnly(_firstTuesday.AddDays(7 * week)).At(new LocalTime(hour, 0)).InZoneLeniently(Berlin).ToInstant());

    [Fact]
    public async Task Occurrence_IsOnePlainVEvent_WithItsOwnUid()
    {
        using var response = await _client.GetAsync($"/events/club/sessions/weekly.ics?occurrence={Key(2)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Single(body.Split("\r\n"), l => l == "BEGIN:VEVENT");
        var lines = body[body.IndexOf("BEGIN:VEVENT", StringComparison.Ordinal)..].Split("\r\n"); // the VTIMEZONE has rules of its own
        Assert.DoesNotContain(lines, l => l.StartsWith("RRULE", StringComparison.Ordinal) || l.StartsWith("RECURRENCE-ID", StringComparison.Ordinal) || l.StartsWith("EXDATE", StringComparison.Ordinal));
        Assert.Contains($"UID:weekly-{Key(2)}-club@tests.feedproxy.example", lines);
        Assert.Contains($"DTSTART;TZID=Europe/Berlin:{Day(2).Replace("-", "", StringComparison.Ordinal)}T190000", lines);
        Assert.Contains("SUMMARY:Club evening", lines);

        // The series download is unchanged: the whole series, its rule and its override.
        var series = await _client.GetStringAsync(new Uri("/events/club/sessions/weekly.ics", UriKind.Relative));
        Assert.Contains("RRULE:FREQ=WEEKLY;COUNT=20", series, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverriddenOccurrence_IsServedAsChanged()
    {
        var body = await _client.GetStringAsync(new Uri($"/events/club/sessions/weekly.ics?occurrence={Key(4)}", UriKind.Relative));
        var lines = body[body.IndexOf("BEGIN:VEVENT", StringComparison.Ordinal)..].Split("\r\n");
        Assert.Contains("SUMMARY:Club evening (guest talk)", lines);
        Assert.Contains($"DTSTART;TZID=Europe/Berlin:{Day(4).Replace("-", "", StringComparison.Ordinal)}T200000", lines);
        Assert.Contains($"UID:weekly-{Key(4)}-club@tests.feedproxy.example", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("RECURRENCE-ID", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2, 20)]    // not the series' time
    [InlineData(5, 19)]    // excluded (EXDATE)
    [InlineData(25, 19)]   // after COUNT=20
    [InlineData(-1, 19)]   // before the first
    public async Task StartTheSeriesDoesNotHave_Is404Problem(int week, int hour)
    {
        using var response = await _client.GetAsync($"/events/club/sessions/weekly.ics?occurrence={Key(week, hour)}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task OneOffSession_HasNoOccurrences()
    {
        using var response = await _client.GetAsync($"/events/club/sessions/once.ics?occurrence={Key(3, 18)}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/events/club/sessions/weekly.ics?occurrence=tomorrow")]
    [InlineData("/events/club/sessions/weekly.ics?occurrence=20270301T180000")]
    [InlineData("/events/club/sessions/weekly.ics?occurrence=99991231T000000Z")]
    [InlineData("/events/club.ics?occurrence=20270301T180000Z")]
    public async Task MalformedOrMisplacedSelector_Is400Problem(string url)
    {
        using var response = await _client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task PageButtons_AddOneOccurrenceEach()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/club");
        request.Headers.Accept.ParseAdd("text/html");
        using var page = await _client.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();
        var link = $"/events/club/sessions/weekly.ics?occurrence={Key(3)}";
        Assert.Contains(link, html, StringComparison.Ordinal);
        Assert.Contains("/events/club/sessions/once.ics\"", html, StringComparison.Ordinal);
        using var followed = await _client.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Single((await followed.Content.ReadAsStringAsync()).Split("\r\n"), l => l == "BEGIN:VEVENT");
    }
}
