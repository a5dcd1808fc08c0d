using System.Diagnostics;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Recurring;
using NodaTime;
using Xunit;

namespace FeedProxy.Formats.Tests.Recurring;

public sealed class RecurrenceExpanderTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    private static Instant At(DateTimeZone zone, int y, int mo, int d, int h, int mi = 0) =>
        new LocalDateTime(y, mo, d, h, mi).InZoneStrictly(zone).ToInstant();

    private static Session Series(Instant start, Duration length, params string[] rules) => new()
    {
        Id = "club",
        Title = "Club meeting",
        Start = start,
        End = start + length,
        LastModified = Instant.FromUtc(2026, 1, 1, 0, 0),
        Recurrence = new Recurrence { Rules = rules },
    };

    private static Interval Year(int year) =>
        new(Instant.FromUtc(year, 1, 1, 0, 0), Instant.FromUtc(year + 1, 1, 1, 0, 0));

    private static List<LocalDateTime> Locals(IEnumerable<Session> sessions, DateTimeZone zone) =>
        [.. sessions.Select(s => s.Start.InZone(zone).LocalDateTime)];

    [Fact]
    public void Weekly_KeepsWallClockAcrossBothDstChanges()
    {
        var series = Series(At(Berlin, 2026, 3, 17, 18), Duration.FromHours(2), "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261110T235959Z");
        var occurrences = RecurrenceExpander.Expand(series, Berlin, Year(2026));

        Assert.All(occurrences, o => Assert.Equal(new LocalTime(18, 0), o.Start.InZone(Berlin).TimeOfDay));
        Assert.All(occurrences, o => Assert.Equal(Duration.FromHours(2), o.Duration));
        // 17 Mar is CET (UTC+1), 31 Mar CEST (UTC+2), 27 Oct CET again.
        Assert.Equal(Instant.FromUtc(2026, 3, 17, 17, 0), occurrences[0].Start);
        Assert.Equal(Instant.FromUtc(2026, 3, 31, 16, 0), occurrences[2].Start);
        Assert.Equal(Instant.FromUtc(2026, 10, 27, 17, 0), occurrences.Single(o => o.Start.InZone(Berlin).Date == new LocalDate(2026, 10, 27)).Start);
        Assert.Equal(new LocalDate(2026, 11, 10), occurrences[^1].Start.InZone(Berlin).Date);
        Assert.Equal(35, occurrences.Count);
    }

    [Fact]
    public void Occurrence_CarriesSeriesIdAndRecurrenceId()
    {
        var series = Series(At(Berlin, 2026, 3, 3, 18), Duration.FromHours(1), "FREQ=WEEKLY;COUNT=3");
        var occurrences = RecurrenceExpander.Expand(series, Berlin, Year(2026));

        Assert.Equal(3, occurrences.Count);
        Assert.All(occurrences, o =>
        {
            Assert.Equal("club", o.Id);
            Assert.Null(o.Recurrence);
            Assert.Equal(o.Start, o.RecurrenceId);
        });
    }

    [Fact]
    public void TimeInDstGap_MovesForwardByTheGap()
    {
        // RFC 5545 §3.3.5: 02:30 on 29 Mar 2026 does not exist in Berlin; it is read with the
        // offset before the gap, i.e. 03:30 CEST.
        var series = Series(At(Berlin, 2026, 3, 28, 2, 30), Duration.FromMinutes(30), "FREQ=DAILY;COUNT=3");
        var locals = Locals(RecurrenceExpander.Expand(series, Berlin, Year(2026)), Berlin);

        Assert.Equal(
            [new(2026, 3, 28, 2, 30), new(2026, 3, 29, 3, 30), new(2026, 3, 30, 2, 30)],
            locals);
    }

    [Fact]
    public void ByDayOrdinals_SecondTuesdayAndLastFriday()
    {
        var second = Series(At(NewYork, 2026, 1, 13, 19), Duration.FromHours(1), "FREQ=MONTHLY;BYDAY=2TU;COUNT=4");
        Assert.Equal(
            [new LocalDate(2026, 1, 13), new LocalDate(2026, 2, 10), new LocalDate(2026, 3, 10), new LocalDate(2026, 4, 14)],
            RecurrenceExpander.Expand(second, NewYork, Year(2026)).Select(o => o.Start.InZone(NewYork).Date));

        var last = Series(At(NewYork, 2026, 1, 30, 17), Duration.FromHours(1), "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3");
        Assert.Equal(
            [new LocalDate(2026, 1, 30), new LocalDate(2026, 2, 27), new LocalDate(2026, 3, 27)],
            RecurrenceExpander.Expand(last, NewYork, Year(2026)).Select(o => o.Start.InZone(NewYork).Date));
    }

    [Fact]
    public void BySetPos_LastWorkdayOfTheMonth()
    {
        var series = Series(At(Berlin, 2026, 1, 30, 16), Duration.FromHours(1), "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4");
        Assert.Equal(
            [new LocalDate(2026, 1, 30), new LocalDate(2026, 2, 27), new LocalDate(2026, 3, 31), new LocalDate(2026, 4, 30)],
            RecurrenceExpander.Expand(series, Berlin, Year(2026)).Select(o => o.Start.InZone(Berlin).Date));
    }

    [Fact]
    public void YearlyByMonthAndDay_AndMonthDayThatSomeMonthsLack()
    {
        var yearly = Series(At(Berlin, 2026, 3, 1, 10), Duration.FromHours(1), "FREQ=YEARLY;BYMONTH=3,9;BYDAY=1SU;COUNT=4");
        Assert.Equal(
            [new LocalDate(2026, 3, 1), new LocalDate(2026, 9, 6), new LocalDate(2027, 3, 7), new LocalDate(2027, 9, 5)],
            RecurrenceExpander.Expand(yearly, Berlin, new Interval(Instant.FromUtc(2026, 1, 1, 0, 0), Instant.FromUtc(2028, 1, 1, 0, 0)))
                .Select(o => o.Start.InZone(Berlin).Date));

        // RFC 5545 §3.3.10: invalid dates (31 April) are ignored, not moved.
        var monthly = Series(At(Berlin, 2026, 1, 31, 10), Duration.FromHours(1), "FREQ=MONTHLY;COUNT=4");
        Assert.Equal(
            [new LocalDate(2026, 1, 31), new LocalDate(2026, 3, 31), new LocalDate(2026, 5, 31), new LocalDate(2026, 7, 31)],
            RecurrenceExpander.Expand(monthly, Berlin, Year(2026)).Select(o => o.Start.InZone(Berlin).Date));
    }

    [Fact]
    public void IntervalWithWeekStart_FollowsRfcExample()
    {
        // RFC 5545 §3.8.5.3 examples: WKST changes the result of a bi-weekly rule.
        var monday = Series(At(NewYork, 1997, 8, 5, 9), Duration.FromHours(1), "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO");
        Assert.Equal(
            [5, 10, 19, 24],
            RecurrenceExpander.Expand(monday, NewYork, Year(1997)).Select(o => o.Start.InZone(NewYork).Day));
        var sunday = Series(At(NewYork, 1997, 8, 5, 9), Duration.FromHours(1), "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU");
        Assert.Equal(
            [5, 17, 19, 31],
            RecurrenceExpander.Expand(sunday, NewYork, Year(1997)).Select(o => o.Start.InZone(NewYork).Day));
    }

    [Fact]
    public void ByHourAndMinute_ExpandDaily()
    {
        var series = Series(At(Berlin, 2026, 5, 4, 9), Duration.FromMinutes(20), "FREQ=DAILY;BYHOUR=9,14;BYMINUTE=0,30;COUNT=6");
        Assert.Equal(
            [new(2026, 5, 4, 9, 0), new(2026, 5, 4, 9, 30), new(2026, 5, 4, 14, 0), new(2026, 5, 4, 14, 30), new(2026, 5, 5, 9, 0), new(2026, 5, 5, 9, 30)],
            Locals(RecurrenceExpander.Expand(series, Berlin, Year(2026)), Berlin));
    }

    [Fact]
    public void ByWeekNo_UsesWeekOneWithFourDays()
    {
        // RFC 5545 §3.8.5.3: "Monday of week number 20" 1997-05-12, 1998-05-11, 1999-05-17.
        var series = Series(At(NewYork, 1997, 5, 12, 9), Duration.FromHours(1), "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=3");
        Assert.Equal(
            [new LocalDate(1997, 5, 12), new LocalDate(1998, 5, 11), new LocalDate(1999, 5, 17)],
            RecurrenceExpander.Expand(series, NewYork, new Interval(Instant.FromUtc(1997, 1, 1, 0, 0), Instant.FromUtc(2000, 1, 1, 0, 0)))
                .Select(o => o.Start.InZone(NewYork).Date));
    }

    [Fact]
    public void ExceptionDatesRemove_RDatesAdd_OverridesReplace()
    {
        var start = At(Berlin, 2026, 3, 3, 18);
        var series = Series(start, Duration.FromHours(2), "FREQ=WEEKLY;COUNT=5") with
        {
            Recurrence = new Recurrence
            {
                Rules = ["FREQ=WEEKLY;COUNT=5"],
                ExceptionDates = [At(Berlin, 2026, 3, 10, 18)],
                Dates = [At(Berlin, 2026, 4, 20, 19)],
                Overrides =
                [
                    new RecurrenceOverride
                    {
                        RecurrenceId = At(Berlin, 2026, 3, 17, 18),
                        Instance = new Session
                        {
                            Id = "club", Title = "Club meeting (moved, room 2)",
                            Start = At(Berlin, 2026, 3, 18, 19), End = At(Berlin, 2026, 3, 18, 21),
                            LastModified = Instant.FromUtc(2026, 2, 1, 0, 0), Revision = 1,
                        },
                    },
                    new RecurrenceOverride
                    {
                        RecurrenceId = At(Berlin, 2026, 3, 24, 18),
                        Instance = new Session
                        {
                            Id = "club", Title = "Club meeting", State = SessionState.Cancelled,
                            Start = At(Berlin, 2026, 3, 24, 18), End = At(Berlin, 2026, 3, 24, 20),
                            LastModified = Instant.FromUtc(2026, 2, 2, 0, 0),
                        },
                    },
                    new RecurrenceOverride
                    {
                        RecurrenceId = At(Berlin, 2026, 3, 31, 18),
                        Instance = new Session
                        {
                            Id = "club", Title = "Not yet decided", State = SessionState.Draft,
                            Start = At(Berlin, 2026, 3, 31, 18), End = At(Berlin, 2026, 3, 31, 20),
                            LastModified = Instant.FromUtc(2026, 2, 2, 0, 0),
                        },
                    },
                ],
            },
        };

        var occurrences = RecurrenceExpander.Expand(series, Berlin, Year(2026));

        Assert.Equal(
            [new(2026, 3, 3, 18, 0), new(2026, 3, 18, 19, 0), new(2026, 3, 24, 18, 0), new(2026, 4, 20, 19, 0)],
            Locals(occurrences, Berlin));
        Assert.Equal("Club meeting (moved, room 2)", occurrences[1].Title);
        Assert.Equal(At(Berlin, 2026, 3, 17, 18), occurrences[1].RecurrenceId);
        Assert.Equal(SessionState.Cancelled, occurrences[2].State);
        Assert.DoesNotContain(occurrences, o => o.State == SessionState.Draft);
    }

    [Fact]
    public void Window_SkipsEarlierPeriodsOfAnOpenEndedRule()
    {
        var series = Series(At(Berlin, 1990, 1, 2, 18), Duration.FromHours(1), "FREQ=DAILY");
        var budget = new ExpansionBudget(RecurrenceLimits.Default);
        var occurrences = RecurrenceExpander.Expand(series, Berlin, new Interval(Instant.FromUtc(2026, 6, 1, 0, 0), Instant.FromUtc(2026, 6, 8, 0, 0)), budget);

        Assert.Equal(7, occurrences.Count);
        Assert.False(budget.Truncated);
        Assert.True(budget.StepsLeft > RecurrenceLimits.Default.MaxStepsPerFeed - 100);
    }

    [Fact]
    public void OccurrenceOverlappingWindowStart_IsIncluded()
    {
        var series = Series(At(Berlin, 2026, 1, 1, 23), Duration.FromHours(3), "FREQ=DAILY");
        var window = new Interval(At(Berlin, 2026, 1, 10, 0), At(Berlin, 2026, 1, 11, 0));
        Assert.Equal(
            [new(2026, 1, 9, 23, 0), new(2026, 1, 10, 23, 0)],
            Locals(RecurrenceExpander.Expand(series, Berlin, window), Berlin));
    }

    [Theory]
    [InlineData("FREQ=SECONDLY")]
    [InlineData("FREQ=SECONDLY;COUNT=2000000000")]
    [InlineData("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30")]
    [InlineData("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")]
    [InlineData("FREQ=YEARLY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59;BYSECOND=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59")]
    [InlineData("FREQ=MINUTELY;INTERVAL=1;BYSETPOS=1;BYSECOND=0")]
    public void HostileRule_IsBoundedByLimits(string rule)
    {
        var series = Series(At(Berlin, 2025, 1, 1, 0), Duration.FromSeconds(1), rule);
        var limits = RecurrenceLimits.Default;
        var budget = new ExpansionBudget(limits);

        var occurrences = RecurrenceExpander.Expand(series, Berlin, new Interval(Instant.FromUtc(2026, 1, 1, 0, 0), Instant.FromUtc(2026, 7, 1, 0, 0)), budget);

        Assert.True(occurrences.Count <= limits.MaxOccurrencesPerSession);
        Assert.True(limits.MaxStepsPerFeed - budget.StepsLeft <= limits.MaxStepsPerSession);
    }

    [Fact]
    public void FeedBudget_StopsExpandingOnceSpent()
    {
        var limits = new RecurrenceLimits { MaxOccurrencesPerSession = 100, MaxOccurrencesPerFeed = 250 };
        var budget = new ExpansionBudget(limits);
        var series = Series(At(Berlin, 2026, 1, 1, 0), Duration.FromMinutes(1), "FREQ=HOURLY");
        var total = 0;
        for (var i = 0; i < 5; i++)
        {
            total += RecurrenceExpander.Expand(series, Berlin, Year(2026), budget).Count;
        }

        Assert.Equal(250, total);
        Assert.True(budget.Truncated);
    }

    [Fact]
    public void IsOccurrence_KnowsRuleStartsOnly()
    {
        var series = Series(At(Berlin, 2026, 3, 3, 18), Duration.FromHours(2), "FREQ=WEEKLY;BYDAY=TU");
        Assert.True(RecurrenceExpander.IsOccurrence(series, Berlin, At(Berlin, 2026, 11, 3, 18)));
        Assert.False(RecurrenceExpander.IsOccurrence(series, Berlin, At(Berlin, 2026, 11, 3, 19)));
        Assert.False(RecurrenceExpander.IsOccurrence(series, Berlin, At(Berlin, 2026, 11, 4, 18)));
    }

    [Fact]
    public void RuleZone_OverridesEventZone()
    {
        var series = Series(At(NewYork, 2026, 3, 2, 12), Duration.FromHours(1), "FREQ=WEEKLY;COUNT=3") with
        {
            Recurrence = new Recurrence { Rules = ["FREQ=WEEKLY;COUNT=3"], TimeZone = "America/New_York" },
        };
        // US clocks change on 8 March, European ones on 29 March: noon in New York stays noon.
        Assert.All(RecurrenceExpander.Expand(series, Berlin, Year(2026)), o => Assert.Equal(12, o.Start.InZone(NewYork).Hour));
    }
}
