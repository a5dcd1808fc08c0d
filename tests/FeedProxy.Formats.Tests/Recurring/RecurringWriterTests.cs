using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.ICalendar;
using FeedProxy.Formats.Tests.Support;
using NodaTime;
using Xunit;

namespace FeedProxy.Formats.Tests.Recurring;

public sealed class RecurringWriterTests
{
    private static string Text(FeedFormat format, FeedOptions? options = null, SessionFilter? filter = null) =>
        Encoding.UTF8.GetString(FeedWriters.Render(RecurringSamples.Document(format, options, filter), format));

    private static string[] Unfolded(string ics) => ics.Replace("\r\n ", string.Empty, StringComparison.Ordinal).Split("\r\n");

    [Fact]
    public void ICalendar_MatchesGoldenFile() =>
        GoldenFile.AssertMatches("club.ics", FeedWriters.Render(RecurringSamples.Document(FeedFormat.ICalendar), FeedFormat.ICalendar));

    [Fact]
    public void XCal_MatchesGoldenFile() =>
        GoldenFile.AssertMatches("club.xcs", FeedWriters.Render(RecurringSamples.Document(FeedFormat.XCal), FeedFormat.XCal));

    [Fact]
    public void JCal_MatchesGoldenFile() =>
        GoldenFile.AssertMatches("club.json", FeedWriters.Render(RecurringSamples.Document(FeedFormat.JCal), FeedFormat.JCal));

    [Fact]
    public void ICalendar_KeepsTheSeriesAsOneEventWithOverrides()
    {
        var lines = Unfolded(Text(FeedFormat.ICalendar));

        Assert.Equal(4, lines.Count(l => l == "BEGIN:VEVENT"));
        Assert.Equal(3, lines.Count(l => l == "UID:weekly-club@feeds.example.org"));
        Assert.Contains("DTSTART;TZID=Europe/Berlin:20270302T190000", lines);
        Assert.Contains("RRULE:FREQ=WEEKLY;UNTIL=20271130T230000Z;BYDAY=TU", lines);
        Assert.Contains("EXDATE;TZID=Europe/Berlin:20270427T190000", lines);
        Assert.Contains("RECURRENCE-ID;TZID=Europe/Berlin:20270330T190000", lines);
        Assert.Contains("RECURRENCE-ID;TZID=Europe/Berlin:20270525T190000", lines);
        Assert.Contains("DTSTART;TZID=Europe/Berlin:20270331T183000", lines);
        Assert.Contains("SUMMARY:Club evening (Wednesday this week)", lines);
        Assert.Single(lines, l => l == "STATUS:CANCELLED");
        Assert.Single(lines, l => l == "BEGIN:VTIMEZONE");
    }

    [Fact]
    public void ICalendar_InUtc_ExpandsOccurrencesWithOwnUids()
    {
        var lines = Unfolded(Text(FeedFormat.ICalendar, FeedOptions.Default with { TimeMode = TimeMode.Utc }));

        Assert.DoesNotContain(lines, l => l.StartsWith("RRULE", StringComparison.Ordinal) || l.StartsWith("RECURRENCE-ID", StringComparison.Ordinal));
        var uids = lines.Where(l => l.StartsWith("UID:weekly-", StringComparison.Ordinal)).ToList();
        Assert.Equal(uids.Count, uids.Distinct().Count());
        // 16 Mar .. 5 Oct: 30 Tuesdays, minus the exception date; the 30 Mar one moved to Wednesday.
        Assert.Equal(29, uids.Count);
        Assert.Contains("UID:weekly-20270330T170000Z-club@feeds.example.org", uids);
        Assert.Contains("DTSTART:20270331T163000Z", lines);
        Assert.DoesNotContain("UID:weekly-20270427T170000Z-club@feeds.example.org", uids);
    }

    [Fact]
    public void XCal_WritesTheRuleAsStructuredRecur()
    {
        XNamespace ns = "urn:ietf:params:xml:ns:icalendar-2.0";
        var xml = XDocument.Parse(Text(FeedFormat.XCal));
        var recur = xml.Descendants(ns + "vevent").Descendants(ns + "rrule").Single().Element(ns + "recur")!;
        Assert.Equal(["freq", "until", "byday"], recur.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("2027-11-30T23:00:00Z", recur.Element(ns + "until")!.Value);
        Assert.Equal(2, xml.Descendants(ns + "recurrence-id").Count());
    }

    [Fact]
    public void JCal_WritesTheRuleAsObject()
    {
        using var json = JsonDocument.Parse(Text(FeedFormat.JCal));
        var rrule = json.RootElement[2].EnumerateArray()
            .SelectMany(c => c[1].EnumerateArray())
            .Single(p => p[0].GetString() == "rrule");
        Assert.Equal("recur", rrule[2].GetString());
        Assert.Equal("WEEKLY", rrule[3].GetProperty("freq").GetString());
        Assert.Equal("TU", rrule[3].GetProperty("byday").GetString());
    }

    [Theory]
    [InlineData(FeedFormat.Rss, SyndicationProfile.Standard)]
    [InlineData(FeedFormat.Rss, SyndicationProfile.Campus)]
    [InlineData(FeedFormat.Atom, SyndicationProfile.Standard)]
    [InlineData(FeedFormat.Atom, SyndicationProfile.Campus)]
    public void Syndication_ListsEachOccurrenceInTheWindowOnce(FeedFormat format, SyndicationProfile profile)
    {
        var xml = XDocument.Parse(Text(format, FeedOptions.Default with { Profile = profile }));
        var items = xml.Descendants().Where(e => e.Name.LocalName is "item" or "entry").ToList();
        var ids = items.Select(i => i.Elements().First(e => e.Name.LocalName is "guid" or "id").Value).ToList();

        Assert.Equal(30, items.Count); // 29 occurrences and the one-off talk
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Single(items, i => i.ToString().Contains("Wednesday this week", StringComparison.Ordinal));
        Assert.Single(items, i => i.ToString().Contains("Cancelled", StringComparison.Ordinal));
    }

    [Fact]
    public void Pentabarf_ExpandsOccurrences()
    {
        var xml = XDocument.Parse(Text(FeedFormat.XCal, FeedOptions.Default with { XCalDialect = XCalDialect.Pentabarf }));
        var uids = xml.Descendants("uid").Select(u => u.Value).ToList();
        Assert.Equal(30, uids.Count);
        Assert.Equal(uids.Count, uids.Distinct().Count());
    }

    [Fact]
    public void DayFilter_ExpandsEvenInICalendar()
    {
        var filter = new SessionFilter { Days = [new LocalDate(2027, 3, 31)] };
        var lines = Unfolded(Text(FeedFormat.ICalendar, filter: filter));

        Assert.Single(lines, l => l == "BEGIN:VEVENT");
        Assert.Contains("UID:weekly-20270330T170000Z-club@feeds.example.org", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("RRULE:FREQ=WEEKLY", StringComparison.Ordinal));
    }

    [Fact]
    public void Selection_SeriesWithoutVisibleOccurrence_IsDropped()
    {
        var schedule = RecurringSamples.Club();
        var series = schedule.Sessions.Single(s => s.Id == "weekly");
        var policy = new SelectionPolicy { Window = Duration.FromDays(30) };

        Assert.Contains(FeedSelection.Select(schedule, policy, RecurringSamples.Now), s => s.Id == "weekly");
        // A month after the last meeting on 30 Nov, the series has left a 30-day window.
        var later = Instant.FromUtc(2028, 1, 15, 0, 0);
        Assert.DoesNotContain(FeedSelection.Select(schedule, policy, later), s => s.Id == "weekly");
        Assert.Contains(FeedSelection.Select(schedule, new SelectionPolicy(), later), s => s.Id == series.Id);
    }

    [Fact]
    public void Selection_HiddenOrExpiredOverride_BecomesExceptionDate()
    {
        var schedule = RecurringSamples.Club();
        var series = schedule.Sessions.Single(s => s.Id == "weekly");
        var moved = series.Recurrence!.Overrides[0];
        var hidden = schedule with
        {
            Sessions = [series with
            {
                Recurrence = series.Recurrence with
                {
                    Overrides = [moved with { Instance = moved.Instance with { State = SessionState.Withdrawn } }, series.Recurrence.Overrides[1]],
                },
            }],
        };

        // Far later the cancellation is past its 30-day retention, too.
        var selected = FeedSelection.Select(hidden, new SelectionPolicy(), Instant.FromUtc(2027, 8, 1, 0, 0)).Single();

        Assert.Empty(selected.Recurrence!.Overrides);
        Assert.Contains(moved.RecurrenceId, selected.Recurrence.ExceptionDates);
        Assert.Contains(series.Recurrence.Overrides[1].RecurrenceId, selected.Recurrence.ExceptionDates);
        var ics = Encoding.UTF8.GetString(FeedWriters.Render(RecurringSamples.Document(FeedFormat.ICalendar) with { Event = hidden, Sessions = [selected] }, FeedFormat.ICalendar));
        Assert.DoesNotContain("Wednesday", ics, StringComparison.Ordinal);
    }
}
