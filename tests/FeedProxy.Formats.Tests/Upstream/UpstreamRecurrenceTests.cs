using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Upstream;
using NodaTime;

namespace FeedProxy.Formats.Tests.Upstream;

/// <summary>
/// Upstream recurrence is checked with the JSON mapper's rules before it is stored: what the
/// mapper would refuse is taken out of its session and reported, and what is left always passes
/// the mapper.
/// </summary>
public sealed class UpstreamRecurrenceTests
{
    private static readonly Instant Start = Instant.FromUtc(2027, 3, 1, 18, 0);

    private static Event Schedule(params Session[] sessions) => new()
    {
        Id = "club",
        Name = "Club",
        TimeZone = "Europe/Berlin",
        LastModified = Start,
        Published = true,
        Sessions = [new Session { Id = "plain", Title = "Plain", Start = Start, End = Start + Duration.FromHours(1), LastModified = Start }, .. sessions],
    };

    private static Session Series(Recurrence recurrence) => new()
    {
        Id = "weekly",
        Title = "Weekly",
        Start = Start,
        End = Start + Duration.FromHours(1),
        LastModified = Start,
        Recurrence = recurrence,
    };

    private static RecurrenceOverride Override(Instant recurrenceId) => new()
    {
        RecurrenceId = recurrenceId,
        Instance = new Session { Id = "weekly", Title = "Moved", Start = recurrenceId + Duration.FromHours(2), End = recurrenceId + Duration.FromHours(3), LastModified = Start },
    };

    private static void PassesTheMapper(Event checkedEvent) =>
        _ = EventJsonMapper.ToModel(EventJsonWriter.FromModel(checkedEvent), checkedEvent.LastModified, checkedEvent.Id);

    [Fact]
    public void ValidRecurrence_IsKept_WithNoProblem()
    {
        var schedule = Schedule(Series(new Recurrence { Rules = ["FREQ=WEEKLY;BYDAY=MO;COUNT=5"], Overrides = [Override(Start + Duration.FromDays(7))] }));
        var result = UpstreamRecurrence.Check(schedule, out var problems);

        Assert.Empty(problems);
        var series = result.Sessions.Single(s => s.Id == "weekly");
        Assert.Equal(["FREQ=WEEKLY;COUNT=5;BYDAY=MO"], series.Recurrence!.Rules);
        Assert.Single(series.Recurrence.Overrides);
        PassesTheMapper(result);
    }

    [Fact]
    public void RejectedRule_IsReportedWithItsReason_AndTheSessionStaysAsASingleSession()
    {
        var schedule = Schedule(Series(new Recurrence { Rules = ["FREQ=WEEKLY;BYDAY=MO;BYMONTHDAY=3"], Overrides = [Override(Start + Duration.FromDays(7))] }));
        var result = UpstreamRecurrence.Check(schedule, out var problems);

        Assert.Equal(2, result.Sessions.Count);
        Assert.Null(result.Sessions.Single(s => s.Id == "weekly").Recurrence);
        Assert.Contains(problems, p => p.Contains("FREQ=WEEKLY;BYDAY=MO;BYMONTHDAY=3", StringComparison.Ordinal) && p.Contains("BYMONTHDAY is not allowed with FREQ=WEEKLY", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("single session", StringComparison.Ordinal) && p.Contains("1 changed occurrences", StringComparison.Ordinal));
        PassesTheMapper(result);
    }

    [Fact]
    public void OneBadRuleOfTwo_KeepsTheOther()
    {
        var result = UpstreamRecurrence.Check(Schedule(Series(new Recurrence { Rules = ["FREQ=DAILY;COUNT=3", "FREQ=FORTNIGHTLY"] })), out var problems);

        Assert.Equal(["FREQ=DAILY;COUNT=3"], result.Sessions.Single(s => s.Id == "weekly").Recurrence!.Rules);
        Assert.Single(problems);
        PassesTheMapper(result);
    }

    [Fact]
    public void OverrideOfNoOccurrence_IsDropped_OthersKept()
    {
        var orphan = Start + Duration.FromDays(1);
        var schedule = Schedule(Series(new Recurrence { Rules = ["FREQ=WEEKLY;COUNT=5"], Overrides = [Override(Start + Duration.FromDays(14)), Override(orphan)] }));
        var result = UpstreamRecurrence.Check(schedule, out var problems);

        var kept = Assert.Single(result.Sessions.Single(s => s.Id == "weekly").Recurrence!.Overrides);
        Assert.Equal(Start + Duration.FromDays(14), kept.RecurrenceId);
        Assert.Contains(problems, p => p.Contains("2027-03-02T18:00:00Z", StringComparison.Ordinal) && p.Contains("not a start of the series", StringComparison.Ordinal));
        PassesTheMapper(result);
    }

    [Fact]
    public void HostileRule_IsCheckedWithinTheExpansionLimits()
    {
        // Every second for ever, and an override a year out: the check stops at its budget,
        // quickly, and leaves the override out rather than expanding without end.
        var far = Start + Duration.FromDays(365);
        var schedule = Schedule(Series(new Recurrence { Rules = ["FREQ=SECONDLY"], Overrides = [Override(Start + Duration.FromSeconds(10)), Override(far)] }));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = UpstreamRecurrence.Check(schedule, out var problems);
        watch.Stop();

        Assert.Contains(problems, p => p.Contains("expansion limits", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Sessions.Single(s => s.Id == "weekly").Recurrence!.Overrides, o => o.RecurrenceId == far);
        PassesTheMapper(result);
    }

    [Fact]
    public void ProblemsAreBounded()
    {
        var sessions = Enumerable.Range(0, 50).Select(i => Series(new Recurrence { Rules = ["FREQ=NEVER"] }) with { Id = "s" + i }).ToArray();
        UpstreamRecurrence.Check(Schedule(sessions), out var problems);

        Assert.Equal(UpstreamRecurrence.MaxReported + 1, problems.Count);
        Assert.StartsWith("… and ", problems[^1], StringComparison.Ordinal);
    }
}
