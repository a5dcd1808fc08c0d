using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.Tests.Support;
using FeedProxy.Formats.TimeZones;
using NodaTime;

namespace FeedProxy.Formats.Tests.TimeZones;

public class VTimeZoneBuilderTests
{
    public static TheoryData<string, int, int> Spans => new()
    {
        { "Europe/Berlin", 2026, 2028 },
        { "Europe/Berlin", 1995, 1997 }, // 1996: EU end of summer time moved from September to October
        { "America/New_York", 2005, 2008 }, // 2007: US rules changed
        { "America/New_York", 2027, 2027 },
        { "Australia/Lord_Howe", 2025, 2027 },
        { "Europe/Dublin", 2026, 2027 },
        { "Europe/London", 2026, 2027 },
        { "Africa/Casablanca", 2017, 2026 },
        { "America/Sao_Paulo", 2016, 2021 },
        { "Pacific/Apia", 2010, 2023 },
        { "Asia/Kolkata", 2026, 2027 },
        { "Asia/Tokyo", 2026, 2026 },
        { "Etc/UTC", 2026, 2026 },
        { "America/Santiago", 2020, 2027 },
        { "Asia/Tehran", 2020, 2024 },
        { "Europe/Moscow", 2010, 2015 },
    };

    private static CalendarComponent Build(string zoneId, Instant start, Instant end) =>
        VTimeZoneBuilder.Build(DateTimeZoneProviders.Tzdb[zoneId], start, end);

    [Theory]
    [MemberData(nameof(Spans))]
    public void Offsets_MatchTzdb_ThroughoutTheSpan(string zoneId, int firstYear, int lastYear)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var start = Instant.FromUtc(firstYear, 1, 1, 0, 0);
        var end = Instant.FromUtc(lastYear, 12, 31, 23, 0);
        var evaluator = new VTimeZoneEvaluator(Build(zoneId, start, end), lastYear + 2);

        for (var instant = start; instant <= end; instant += Duration.FromMinutes(90))
        {
            Assert.Equal(zone.GetUtcOffset(instant), evaluator.OffsetAt(instant));
        }

        // Exactly at, and just before, every transition in the span.
        foreach (var interval in zone.GetZoneIntervals(start, end).Where(i => i.HasStart && i.Start >= start))
        {
            Assert.Equal(interval.WallOffset, evaluator.OffsetAt(interval.Start));
            var before = interval.Start - Duration.FromSeconds(1);
            Assert.Equal(zone.GetUtcOffset(before), evaluator.OffsetAt(before));
        }
    }

    [Fact]
    public void SampleDocument_EverySessionInstant_MatchesTzdb()
    {
        var document = SampleDocuments.Document();
        var calendar = CalendarBuilder.Build(document);
        var vtimezone = Assert.Single(calendar.Components, c => c.Name == "VTIMEZONE");
        var evaluator = new VTimeZoneEvaluator(vtimezone, 2030);
        var zone = DateTimeZoneProviders.Tzdb[SampleDocuments.ZoneId];
        foreach (var session in document.Sessions)
        {
            Assert.Equal(zone.GetUtcOffset(session.Start), evaluator.OffsetAt(session.Start));
            Assert.Equal(zone.GetUtcOffset(session.End), evaluator.OffsetAt(session.End));
        }

        // The first observance starts before the first session.
        var first = vtimezone.Components
            .Select(c => ((DateTimeValue)c.Properties.Single(p => p.Name == "DTSTART").Values[0]).Local)
            .Min();
        Assert.True(first < document.Sessions[0].Start.InZone(zone).LocalDateTime);
    }

    [Fact]
    public void Berlin_UsesEuropeanRuleForm()
    {
        var text = Text("Europe/Berlin", 2027);
        Assert.Contains("BEGIN:DAYLIGHT\r\nDTSTART:", text, StringComparison.Ordinal);
        Assert.Contains("TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n", text, StringComparison.Ordinal);
        Assert.Contains("TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("RDATE", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NewYork_UsesSecondAndFirstSunday()
    {
        var text = Text("America/New_York", 2027);
        Assert.Contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n", text, StringComparison.Ordinal);
        Assert.Contains("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n", text, StringComparison.Ordinal);
        Assert.Contains("DTSTART:20260308T020000\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LordHowe_HasHalfHourDaylightSaving()
    {
        var text = Text("Australia/Lord_Howe", 2027);
        Assert.Contains("TZOFFSETFROM:+1030\r\nTZOFFSETTO:+1100\r\n", text, StringComparison.Ordinal);
        Assert.Contains("TZOFFSETFROM:+1100\r\nTZOFFSETTO:+1030\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Kolkata_HasOneStandardObservance()
    {
        var vtimezone = Build("Asia/Kolkata", Instant.FromUtc(2027, 3, 1, 0, 0), Instant.FromUtc(2027, 3, 5, 0, 0));
        var observance = Assert.Single(vtimezone.Components);
        Assert.Equal("STANDARD", observance.Name);
        Assert.Contains(observance.Properties, p => p.Name == "TZOFFSETTO" && ((UtcOffsetValue)p.Values[0]).Offset == Offset.FromHoursAndMinutes(5, 30));
    }

    [Fact]
    public void SaoPaulo_RulesStopWhenDaylightSavingWasAbolished()
    {
        var text = Text("America/Sao_Paulo", 2019, 2020);
        Assert.Contains(";UNTIL=", text, StringComparison.Ordinal);
        var evaluator = new VTimeZoneEvaluator(
            Build("America/Sao_Paulo", Instant.FromUtc(2019, 1, 1, 0, 0), Instant.FromUtc(2020, 12, 31, 0, 0)), 2022);
        Assert.Equal(Offset.FromHours(-3), evaluator.OffsetAt(Instant.FromUtc(2019, 12, 15, 12, 0)));
        Assert.Equal(Offset.FromHours(-2), evaluator.OffsetAt(Instant.FromUtc(2019, 1, 15, 12, 0)));
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Australia/Lord_Howe")]
    [InlineData("Europe/Dublin")]
    [InlineData("Africa/Casablanca")]
    [InlineData("America/Sao_Paulo")]
    [InlineData("Pacific/Apia")]
    [InlineData("Asia/Kolkata")]
    public void Offsets_HaveNoSecondsUnlessNeeded(string zoneId)
    {
        var text = Text(zoneId, 2027);
        foreach (var line in text.Split("\r\n").Where(l => l.StartsWith("TZOFFSET", StringComparison.Ordinal)))
        {
            Assert.Matches("^TZOFFSET(FROM|TO):[+-][0-9]{4}$", line);
        }
    }

    [Fact]
    public void Build_IsDeterministic()
    {
        Assert.Equal(Text("Africa/Casablanca", 2020, 2024), Text("Africa/Casablanca", 2020, 2024));
    }

    private static string Text(string zoneId, int year, int? lastYear = null)
    {
        var vtimezone = Build(zoneId, Instant.FromUtc(year, 3, 1, 0, 0), Instant.FromUtc(lastYear ?? year, 3, 5, 0, 0));
        var calendar = new CalendarComponent("VCALENDAR", [], [vtimezone]);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        ICalendarWriter.Write(calendar, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void FeedWithoutTimeZoneMode_HasNoVTimeZone()
    {
        var calendar = CalendarBuilder.Build(SampleDocuments.Document(TimeMode.Utc));
        Assert.DoesNotContain(calendar.Components, c => c.Name == "VTIMEZONE");
    }
}
