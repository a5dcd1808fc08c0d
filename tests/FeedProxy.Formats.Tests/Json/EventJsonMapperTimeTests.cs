using FeedProxy.Formats.Text;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Json;
using NodaTime;

namespace FeedProxy.Formats.Tests.Json;

public class EventJsonMapperTimeTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly Instant Fallback = Instant.FromUtc(2027, 1, 1, 0, 0);

    private static Instant? Parse(string text)
    {
        var errors = new List<string>();
        var result = IsoInstant.Parse(text, Berlin, "start", (field, message) => errors.Add($"{field}: {message}"));
        Assert.True(result is not null || errors.Count == 1, "A failed parse reports exactly one error.");
        return result;
    }

    [Theory]
    [InlineData("2027-03-26T09:00:00+01:00")]
    [InlineData("2027-03-26T08:00:00Z")]
    [InlineData("2027-03-26T10:00:00+02:00")]
    [InlineData("2027-03-26T03:00:00-05:00")]
    [InlineData("2027-03-26T09:00:00")]
    [InlineData(" 2027-03-26T09:00:00+01:00 ")]
    public void ParseInstant_OffsetUtcOrLocal_GiveTheSameInstant(string text)
    {
        Assert.Equal(Instant.FromUtc(2027, 3, 26, 8, 0), Parse(text));
    }

    [Fact]
    public void ParseInstant_LocalTimeAfterTheChange_UsesSummerOffset()
    {
        Assert.Equal(Instant.FromUtc(2027, 3, 29, 7, 0), Parse("2027-03-29T09:00:00"));
    }

    [Fact]
    public void ParseInstant_LocalTimeInSpringGap_ShiftsForwardByTheGap()
    {
        // 02:30 does not exist on 2027-03-28 in Berlin (02:00 -> 03:00); the lenient resolver
        // reads it with the offset before the gap, which is 03:30 summer time.
        var instant = Parse("2027-03-28T02:30:00");

        Assert.Equal(Instant.FromUtc(2027, 3, 28, 1, 30), instant);
        Assert.Equal(new LocalDateTime(2027, 3, 28, 3, 30), instant!.Value.InZone(Berlin).LocalDateTime);
    }

    [Fact]
    public void ParseInstant_LocalTimeInAutumnOverlap_TakesTheEarlierInstant()
    {
        // 02:30 happens twice on 2027-10-31 (03:00 CEST -> 02:00 CET); the first one is +02:00.
        Assert.Equal(Instant.FromUtc(2027, 10, 31, 0, 30), Parse("2027-10-31T02:30:00"));
    }

    [Fact]
    public void ParseInstant_ExplicitOffsetInOverlap_PicksEitherOccurrence()
    {
        Assert.Equal(Instant.FromUtc(2027, 10, 31, 0, 30), Parse("2027-10-31T02:30:00+02:00"));
        Assert.Equal(Instant.FromUtc(2027, 10, 31, 1, 30), Parse("2027-10-31T02:30:00+01:00"));
    }

    [Theory]
    [InlineData("2027-03-26T09:00:00.250+01:00", 250)]
    [InlineData("2027-03-26T09:00:00.5", 500)]
    public void ParseInstant_FractionalSeconds_AreKept(string text, int milliseconds)
    {
        Assert.Equal(Instant.FromUtc(2027, 3, 26, 8, 0) + Duration.FromMilliseconds(milliseconds), Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void ParseInstant_Blank_IsAbsentNotAnError(string? text)
    {
        var errors = 0;

        Assert.Null(IsoInstant.Parse(text, Berlin, "start", (_, _) => errors++));
        Assert.Equal(0, errors);
    }

    [Theory]
    [InlineData("2027-03-26")]
    [InlineData("2027-03-26T25:00:00")]
    [InlineData("2027-03-26T09")]
    [InlineData("09:00")]
    public void ParseInstant_IncompleteOrImpossible_IsAnError(string text)
    {
        Assert.Null(Parse(text));
    }

    [Theory]
    [InlineData("2027-03-26T09:00", "2027-03-26T08:00:00Z")]
    [InlineData("2027-03-26T09:00+01:00", "2027-03-26T08:00:00Z")]
    [InlineData("2027-03-26T09:00Z", "2027-03-26T09:00:00Z")]
    public void ParseInstant_WithoutSeconds_IsAccepted(string text, string expected)
    {
        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Parse(expected).Value, Parse(text));
    }

    [Fact]
    public void ToModel_LocalTimesAcrossTheSpringChange_LastOneHour()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions = [EventJsonFixtures.Session("night", "2027-03-28T01:30:00", "2027-03-28T03:30:00")];

        var session = Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions);

        Assert.Equal(Duration.FromHours(1), session.Duration);
        Assert.Equal(Offset.FromHours(1), Berlin.GetUtcOffset(session.Start));
        Assert.Equal(Offset.FromHours(2), Berlin.GetUtcOffset(session.End));
    }

    [Fact]
    public void ToModel_DurationAcrossTheSpringChange_IsElapsedTime()
    {
        // A duration is elapsed time: two hours from 01:30 CET end at 04:30 CEST on the wall clock.
        var json = EventJsonFixtures.Minimal();
        json.Sessions = [EventJsonFixtures.Session("night", "2027-03-28T01:30:00+01:00", duration: "PT2H")];

        var session = Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions);

        Assert.Equal(new LocalDateTime(2027, 3, 28, 4, 30), session.End.InZone(Berlin).LocalDateTime);
    }

    [Theory]
    [InlineData("PT45M", 45)]
    [InlineData("PT1H30M", 90)]
    [InlineData("P1D", 24 * 60)]
    [InlineData("PT0S", 0)]
    [InlineData("00:45", 45)]
    [InlineData("1:30", 90)]
    [InlineData("26:00", 26 * 60)]
    public void ToModel_DurationInsteadOfEnd_SetsEnd(string duration, int minutes)
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions = [EventJsonFixtures.Session("s1", "2027-03-26T09:00:00+01:00", duration: duration)];

        var session = Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions);

        Assert.Equal(Duration.FromMinutes(minutes), session.Duration);
    }

    [Fact]
    public void ToModel_EndAndDuration_EndWins()
    {
        var json = EventJsonFixtures.Minimal();
        json.Sessions = [EventJsonFixtures.Session("s1", "2027-03-26T09:00:00+01:00", "2027-03-26T09:30:00+01:00", "PT2H")];

        Assert.Equal(Duration.FromMinutes(30), Assert.Single(EventJsonMapper.ToModel(json, Fallback).Sessions).Duration);
    }

    [Theory]
    [InlineData("PT10M", 10 * 60)]
    [InlineData("PT1H0M30S", 3630)]
    [InlineData("00:10", 10 * 60)]
    [InlineData("01:02:03", 3723)]
    [InlineData(" 00:10 ", 10 * 60)]
    public void ParseDuration_AcceptedForms(string text, int seconds)
    {
        Assert.Equal(Duration.FromSeconds(seconds), DurationText.Parse(text, DurationText.ThreeParts.HoursMinutesSeconds));
    }

    [Theory]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("PT-5M")]
    [InlineData("00:60")]
    [InlineData("00:10:60")]
    [InlineData("-1:00")]
    [InlineData("1:2:3:4")]
    [InlineData("ten minutes")]
    [InlineData("")]
    [InlineData(null)]
    public void ParseDuration_RejectedForms(string? text)
    {
        Assert.Null(DurationText.Parse(text, DurationText.ThreeParts.HoursMinutesSeconds));
    }
}
