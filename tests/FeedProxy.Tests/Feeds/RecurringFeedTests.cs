using System.Globalization;
using System.Net;
using System.Xml.Linq;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Feeds;

/// <summary>A weekly series through the whole application: file store, change tracking, every format.</summary>
public sealed class RecurringFeedTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();
    private readonly DateOnly _firstTuesday;

    public RecurringFeedTests()
    {
        // Ten weeks ago, on a Tuesday, open-ended: occurrences before, inside and after the window.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        _firstTuesday = today.AddDays(-70 - (((int)today.DayOfWeek - (int)DayOfWeek.Tuesday + 7) % 7));
        _factory.WriteEvent("club", Club(exceptionWeeks: []));
    }

    public void Dispose() => _factory.Dispose();

    private string Club(int[] exceptionWeeks) => $$"""
        { "name": "Club", "timeZone": "Europe/Berlin", "lastModified": "2026-01-01T00:00:00Z",
          "sessions": [ { "id": "weekly", "title": "Club evening", "start": "{{Day(0)}}T19:00:00", "end": "{{Day(0)}}T21:00:00",
            "recurrence": { "rules": ["FREQ=WEEKLY"], "exceptionDates": [{{string.Join(',', exceptionWeeks.Select(w => $"\"{Day(w)}T19:00:00\""))}}],
              "overrides": [ { "recurrenceId": "{{Day(12)}}T19:00:00", "title": "Club evening (guest talk)" } ] } } ] }
        """;

    private string Day(int week) => _firstTuesday.AddDays(7 * week).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ICalendar_KeepsOneSeries_Rss_ListsTheOccurrencesOfTheWindow()
    {
        var client = _factory.CreatePlainClient();
        var ics = await client.GetStringAsync("/events/club.ics");
        Assert.Single(ics.Split("\r\n"), l => l == "RRULE:FREQ=WEEKLY");
        Assert.Equal(2, ics.Split("\r\n").Count(l => l == "UID:weekly-club@tests.feedproxy.example"));
        Assert.Contains($"RECURRENCE-ID;TZID=Europe/Berlin:{Day(12).Replace("-", "", StringComparison.Ordinal)}T190000", ics, StringComparison.Ordinal);

        var rss = XDocument.Parse(await client.GetStringAsync("/events/club.rss"));
        var guids = rss.Descendants("guid").Select(g => g.Value).ToList();
        // 30 days back and 180 ahead: 4-5 past and 25-26 coming Tuesdays.
        Assert.InRange(guids.Count, 29, 32);
        Assert.Equal(guids.Count, guids.Distinct().Count());
        Assert.Single(rss.Descendants("title"), t => t.Value == "Club evening (guest talk)");
    }

    [Fact]
    public async Task SessionDownload_IsTheWholeSeries_DayFilter_OneOccurrence()
    {
        var client = _factory.CreatePlainClient();
        var single = await client.GetStringAsync("/events/club/sessions/weekly.ics");
        Assert.Contains("RRULE:FREQ=WEEKLY", single, StringComparison.Ordinal);

        var day = await client.GetStringAsync($"/events/club.ics?day={Day(11)}");
        Assert.Single(day.Split("\r\n"), l => l == "BEGIN:VEVENT");
        Assert.DoesNotContain("RRULE:FREQ=WEEKLY", day, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingTheRecurrence_BumpsSequenceAndETag()
    {
        var client = _factory.CreatePlainClient();
        using var before = await client.GetAsync("/events/club.ics");
        Assert.Contains("SEQUENCE:0", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        _factory.WriteEvent("club", Club(exceptionWeeks: [11]));
        var exdate = "EXDATE;TZID=Europe/Berlin:" + Day(11).Replace("-", "", StringComparison.Ordinal) + "T190000";
        var body = await Eventually.ValueAsync(() => client.GetStringAsync("/events/club.ics"), ics => ics.Contains(exdate, StringComparison.Ordinal));

        Assert.Contains(exdate, body, StringComparison.Ordinal);
        Assert.Contains("SEQUENCE:1", body, StringComparison.Ordinal);
        Assert.DoesNotContain("SEQUENCE:0", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidRule_IsRejectedAndTheLastGoodVersionStays()
    {
        var client = _factory.CreatePlainClient();
        using var good = await client.GetAsync("/events/club.ics");
        _factory.WriteEvent("club", Club([]).Replace("FREQ=WEEKLY", "FREQ=SECONDLY;BYHOUR=25", StringComparison.Ordinal));
        await _factory.WaitForReloadAsync();
        using var after = await client.GetAsync("/events/club.ics");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(good.Headers.ETag, after.Headers.ETag);
    }
}
